/** Pane sizes; the waterfall fits its rows until the user drags the divider. */
import { signal } from "@preact/signals";

export function createLayoutStore() {
  const sizes = signal<{ listWidth: number; waterfallHeight: number | undefined }>({ listWidth: 380, waterfallHeight: undefined });
  return {
    sizes,
    resizeList(px: number): void {
      sizes.value = { ...sizes.value, listWidth: px };
    },
    resizeWaterfall(px: number): void {
      sizes.value = { ...sizes.value, waterfallHeight: px };
    },
  };
}

export type LayoutStore = ReturnType<typeof createLayoutStore>;
