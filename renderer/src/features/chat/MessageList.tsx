import { forwardRef, useCallback, useEffect, useImperativeHandle, useMemo, useRef, useState } from 'react';
import { Virtuoso, type VirtuosoHandle } from 'react-virtuoso';
import type { Message } from '../../db/schema.js';
import { ChatIcon } from './ChatIcon.js';
import { unansweredTurns } from './history.js';
import { MessageItem, type HistoryMark, type MessageActions } from './MessageItem.js';
import type { LiveTurn } from './stream-state.js';

export interface MessageListHandle {
  /** Back to the newest message, following it again (after the user sends). */
  scrollToEnd(): void;
}

export interface MessageListProps {
  messages: Message[];
  live: LiveTurn | undefined;
  running: boolean;
  keyLabels: ReadonlyMap<string, string>;
  actions: MessageActions;
  label: string;
}

/** How close to the bottom (px) still counts as "reading the latest". */
const NEAR_BOTTOM = 48;
/** How long after a wheel, touch, key or pointer press a scroll counts as the user's (ms). */
const INTENT_MS = 800;
const SCROLL_KEYS = new Set(['ArrowUp', 'PageUp', 'Home', 'ArrowDown', 'PageDown', 'End', ' ']);

/**
 * The conversation, virtualised (only what is on screen is rendered), so a long history stays
 * smooth. It follows the answer while it streams, unless the user has scrolled up to read; then a
 * "Jump to latest" button brings them back.
 */
export const MessageList = forwardRef<MessageListHandle, MessageListProps>(function MessageList({ messages, live, running, keyLabels, actions, label }, ref) {
  const virtuoso = useRef<VirtuosoHandle>(null);
  const scroller = useRef<HTMLElement | null>(null);
  const following = useRef(true);
  const lastTop = useRef(0);
  // Only the user detaches the view: a scroll that no wheel, touch, key or pointer preceded is the
  // list's own (a tall message measured, the composer shrinking after a long message was sent).
  const intentAt = useRef(0);
  const pointerDown = useRef(false);
  const [detached, setDetached] = useState(false);

  const toEnd = useCallback(() => {
    const el = scroller.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, []);

  useImperativeHandle(ref, () => ({
    scrollToEnd: () => {
      following.current = true;
      setDetached(false);
      virtuoso.current?.scrollToIndex({ index: 'LAST', align: 'end' });
      requestAnimationFrame(toEnd);
    },
  }));

  const onScroll = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    const top = el.scrollTop;
    const distance = el.scrollHeight - el.clientHeight - top;
    const byUser = pointerDown.current || performance.now() - intentAt.current < INTENT_MS;
    if (top < lastTop.current - 2 && distance > NEAR_BOTTOM && byUser) following.current = false;
    else if (distance <= NEAR_BOTTOM) following.current = true;
    lastTop.current = top;
    setDetached(!following.current);
  }, []);

  const onIntent = useCallback((e: Event) => {
    if (e instanceof KeyboardEvent && !SCROLL_KEYS.has(e.key)) return;
    intentAt.current = performance.now();
  }, []);
  const onPointer = useCallback((e: Event) => {
    pointerDown.current = e.type === 'pointerdown';
    intentAt.current = performance.now();
  }, []);

  const scrollerRef = useCallback(
    (el: HTMLElement | Window | null) => {
      const intents = ['wheel', 'touchmove', 'keydown'] as const;
      const pointers = ['pointerdown'] as const;
      if (scroller.current) {
        scroller.current.removeEventListener('scroll', onScroll);
        for (const t of intents) scroller.current.removeEventListener(t, onIntent);
        for (const t of pointers) scroller.current.removeEventListener(t, onPointer);
      }
      scroller.current = el instanceof HTMLElement ? el : null;
      if (scroller.current) {
        scroller.current.addEventListener('scroll', onScroll, { passive: true });
        for (const t of intents) scroller.current.addEventListener(t, onIntent, { passive: true });
        for (const t of pointers) scroller.current.addEventListener(t, onPointer, { passive: true });
        // The list scrolls on its own: reachable and scrollable by keyboard, and named.
        scroller.current.tabIndex = 0;
        scroller.current.setAttribute('role', 'log');
        scroller.current.setAttribute('aria-label', label);
      }
    },
    [onScroll, onIntent, onPointer, label],
  );

  // A press on the scrollbar may end anywhere on the page.
  useEffect(() => {
    const up = () => {
      if (pointerDown.current) onPointer(new Event('pointerup'));
    };
    window.addEventListener('pointerup', up);
    window.addEventListener('pointercancel', up);
    return () => {
      window.removeEventListener('pointerup', up);
      window.removeEventListener('pointercancel', up);
    };
  }, [onPointer]);

  // A new turn (the user just sent, or retried): follow its answer, wherever the view was.
  const turnId = live && live.phase !== 'done' ? live.streamId : null;
  useEffect(() => {
    if (turnId === null) return;
    following.current = true;
    setDetached(false);
    requestAnimationFrame(toEnd);
  }, [turnId, toEnd]);

  // The streamed answer grows the last item: stay at the bottom while following.
  const liveLength = live?.text.length ?? 0;
  useEffect(() => {
    if (following.current) toEnd();
  }, [liveLength, toEnd]);

  const lastId = messages[messages.length - 1]?.id;
  const unanswered = useMemo(() => unansweredTurns(messages), [messages]);
  const historyMark = (id: string): HistoryMark => {
    const turn = unanswered.get(id);
    return turn ? (turn.included ? 'included' : 'left-out') : undefined;
  };
  return (
    <div className="message-list">
      <Virtuoso
        ref={virtuoso}
        scrollerRef={scrollerRef}
        data={messages}
        computeItemKey={(_, m) => m.id}
        initialTopMostItemIndex={{ index: Math.max(0, messages.length - 1), align: 'end' }}
        followOutput={() => (following.current ? 'auto' : false)}
        totalListHeightChanged={() => {
          if (following.current) toEnd();
        }}
        increaseViewportBy={{ top: 600, bottom: 600 }}
        components={{ Header: ListPad, Footer: ListPad }}
        itemContent={(_, m) => (
          <div className="message-row">
            <MessageItem
              message={m}
              live={live && live.messageId === m.id ? live : undefined}
              isLast={m.id === lastId}
              busy={running}
              keyLabels={keyLabels}
              actions={actions}
              history={historyMark(m.id)}
            />
          </div>
        )}
      />
      {detached ? (
        <div className="jump-latest-row">
          <button
            type="button"
            className="jump-latest"
            onClick={() => {
              following.current = true;
              setDetached(false);
              virtuoso.current?.scrollToIndex({ index: 'LAST', align: 'end', behavior: 'smooth' });
            }}
          >
            <ChatIcon name="arrowDown" size={14} />
            {running ? 'Follow the answer' : 'Jump to latest'}
          </button>
        </div>
      ) : null}
    </div>
  );
});

function ListPad() {
  return <div className="message-list-pad" aria-hidden="true" />;
}
