import { useEffect, useState } from 'react';

/** The window's height less `reserved` pixels (at least 320), following resizes: a virtual table's body height. */
export function useViewportHeight(reserved: number): number {
  const [h, setH] = useState(() => Math.max(320, window.innerHeight - reserved));
  useEffect(() => {
    const on = () => setH(Math.max(320, window.innerHeight - reserved));
    window.addEventListener('resize', on);
    return () => window.removeEventListener('resize', on);
  }, [reserved]);
  return h;
}
