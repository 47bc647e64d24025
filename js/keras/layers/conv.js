// Keras convolution layers (Conv1D, Conv2D): see issue 5.
export {};
