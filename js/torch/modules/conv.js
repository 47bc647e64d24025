// torch.nn convolution modules (Conv1d, Conv2d): see issue 5.
export {};
