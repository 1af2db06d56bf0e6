/** Hands out consecutive regions of a profile's Float64Array slab. */
export class SlabLayout {
  size = 0;

  reserve(width: number): number {
    const offset = this.size;
    this.size += width;
    return offset;
  }
}
