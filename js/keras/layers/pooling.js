// Keras window pooling layers (AveragePooling1D/2D, MaxPooling1D/2D): see issue 4.
export {};
