import { useEffect, useState } from "react";

/**
 * State kept in sessionStorage under `key`, so what a person typed survives an error, a reload or a trip
 * through sign-in after the session expired. `clear` forgets it once it was sent.
 */
export function useDraft<T extends object>(key: string, initial: T): [T, (value: T) => void, () => void] {
  const storageKey = `readlog:draft:${key}`;
  const [value, setValue] = useState<T>(() => {
    try {
      const saved = sessionStorage.getItem(storageKey);
      return saved === null ? initial : { ...initial, ...JSON.parse(saved) };
    } catch {
      return initial;
    }
  });
  useEffect(() => {
    try {
      sessionStorage.setItem(storageKey, JSON.stringify(value));
    } catch {
      // Storage full or disabled: the draft lives in memory only.
    }
  }, [storageKey, value]);
  const clear = () => {
    sessionStorage.removeItem(storageKey);
    setValue(initial);
  };
  return [value, setValue, clear];
}
