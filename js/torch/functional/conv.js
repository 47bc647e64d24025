// torch.nn.functional convolution (conv1d, conv2d): see issue 5.
export {};
