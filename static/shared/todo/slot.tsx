import { useEffect, useState } from 'preact/hooks';
import type { FunctionComponent } from 'preact';
import type { TodoAccount } from './section';

type Section = FunctionComponent<{ issueId: string | undefined; account: TodoAccount }>;

/**
 * The To Do part of the issue panel, loaded after the panel's own code (a separate chunk), so the
 * panel's first paint does not wait for it and its bundle stays small.
 */
export function TodoSlot(props: { issueId: string | undefined; account: TodoAccount }) {
  const [Section, setSection] = useState<Section | undefined>();
  useEffect(() => {
    void import('./section').then((m) => {
      setSection(() => m.TodoSection);
    });
  }, []);
  return Section ? <Section {...props} /> : null;
}
