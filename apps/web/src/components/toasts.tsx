import { useEffect, useState } from 'preact/hooks';
import { CheckIcon } from './icons';

interface Toast {
  id: number;
  message: string;
}

let listener: (toast: Toast) => void = () => undefined;
let next = 1;

/** A short confirmation ("Token revoked"), announced politely to screen readers. */
export function notify(message: string): void {
  listener({ id: next++, message });
}

export function Toasts() {
  const [toasts, setToasts] = useState<Toast[]>([]);
  useEffect(() => {
    listener = (toast) => {
      setToasts((current) => [...current.slice(-2), toast]);
      setTimeout(() => setToasts((current) => current.filter((t) => t.id !== toast.id)), 4000);
    };
    return () => {
      listener = () => undefined;
    };
  }, []);
  return (
    <div class="toasts" role="status" aria-live="polite">
      {toasts.map((toast) => (
        <div class="toast" key={toast.id}>
          <CheckIcon />
          <span>{toast.message}</span>
        </div>
      ))}
    </div>
  );
}
