/** Where a drop-down menu goes so that all of it is in the viewport, whatever wraps where. */

export interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export interface Placement {
  left: number;
  top: number;
  /** Set when the menu is taller than the room left: it scrolls. */
  maxHeight?: number;
}

const MARGIN = 4;
const GAP = 2;

/**
 * Below its button, its right edge on the button's (as DevTools' menus open from the toolbar's
 * right end); left-aligned instead when that would leave the viewport on the left (a wrapped
 * toolbar puts the button at the left edge), then held inside the viewport. Above the button
 * when there is no room below and there is above.
 */
export function placeMenu(anchor: Box, size: { width: number; height: number }, viewport: { width: number; height: number }): Placement {
  let left = anchor.right - size.width;
  if (left < MARGIN) left = anchor.left;
  left = Math.max(MARGIN, Math.min(left, viewport.width - size.width - MARGIN));
  const below = anchor.bottom + GAP;
  const roomBelow = viewport.height - below - MARGIN;
  const roomAbove = anchor.top - GAP - MARGIN;
  if (size.height <= roomBelow || roomBelow >= roomAbove) {
    return size.height <= roomBelow ? { left, top: below } : { left, top: below, maxHeight: Math.max(roomBelow, 0) };
  }
  return size.height <= roomAbove ? { left, top: anchor.top - GAP - size.height } : { left, top: MARGIN, maxHeight: roomAbove };
}
