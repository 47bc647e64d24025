// The base of torch.nn module objects.
export class Module {
  forward() {
    throw new Error(`${this.constructor.name}.forward is not implemented`);
  }

  // PyTorch modules are called like functions; JS spells it call().
  call(...args) {
    return this.forward(...args);
  }
}
