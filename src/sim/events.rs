//! The future event list: a binary heap ordered by `(time, sequence)`, plus
//! a FIFO of zero-delay events at the current time.
//!
//! Ties in time break by insertion order, so a run is deterministic. Events
//! scheduled for "now" (a zero-latency hop) skip the heap: they run after
//! the event being handled and before any later-inserted event, in order.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

use super::SimTime;

/// A scheduled event; `key` packs (time ns, sequence) so one integer
/// comparison orders entries.
struct Entry<E> {
    key: u128,
    event: E,
}

impl<E> Entry<E> {
    fn time(&self) -> SimTime {
        SimTime((self.key >> 64) as u64)
    }
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl<E> Eq for Entry<E> {}

impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<E> Ord for Entry<E> {
    /// Reversed, so that `BinaryHeap` (a max-heap) pops the earliest.
    fn cmp(&self, other: &Self) -> Ordering {
        other.key.cmp(&self.key)
    }
}

/// Pending events of type `E`.
pub struct EventQueue<E> {
    heap: BinaryHeap<Entry<E>>,
    now_fifo: VecDeque<E>,
    now: SimTime,
    seq: u64,
}

impl<E> EventQueue<E> {
    /// An empty queue at time zero.
    pub fn new() -> Self {
        EventQueue { heap: BinaryHeap::new(), now_fifo: VecDeque::new(), now: SimTime::ZERO, seq: 0 }
    }

    /// The time of the event last popped.
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Schedules `event` at `time` (never before now).
    pub fn schedule(&mut self, time: SimTime, event: E) {
        if time <= self.now {
            self.now_fifo.push_back(event);
        } else {
            self.seq += 1;
            self.heap.push(Entry { key: (u128::from(time.0) << 64) | u128::from(self.seq), event });
        }
    }

    /// Removes the next event and advances the clock to it.
    pub fn pop(&mut self) -> Option<E> {
        self.pop_until(SimTime::MAX)
    }

    /// Removes the next event if it is due by `end`, advancing the clock.
    pub fn pop_until(&mut self, end: SimTime) -> Option<E> {
        if let Some(e) = self.now_fifo.pop_front() {
            return Some(e);
        }
        if self.heap.peek()?.time() > end {
            return None;
        }
        let entry = self.heap.pop()?;
        self.now = entry.time();
        Some(entry.event)
    }

    /// Advances the clock to `time` with no event (the end of a step).
    pub fn advance_to(&mut self, time: SimTime) {
        self.now = self.now.max(time);
    }
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_random_schedule_pops_sorted() {
        let mut q = EventQueue::new();
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for i in 0..5_000u32 {
            // A small LCG spreads times with many ties.
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            q.schedule(SimTime(1 + (x >> 54)), i);
        }
        let mut last = (0, 0);
        let mut seen = 0;
        while let Some(i) = q.pop() {
            // Events were inserted in index order: ties must pop by index.
            assert!((q.now().0, i) > last, "out of order at {i}");
            last = (q.now().0, i);
            seen += 1;
        }
        assert_eq!(seen, 5_000);
    }

    #[test]
    fn pops_in_time_then_insertion_order() {
        let mut q = EventQueue::new();
        q.schedule(SimTime(5), 'a');
        q.schedule(SimTime(3), 'b');
        q.schedule(SimTime(5), 'c');
        q.schedule(SimTime(3), 'd');
        assert_eq!(q.pop(), Some('b'));
        // Zero-delay events run before anything later in the heap.
        q.schedule(SimTime(3), 'z');
        let order: Vec<_> = std::iter::from_fn(|| q.pop()).collect();
        assert_eq!(order, vec!['z', 'd', 'a', 'c']);
        assert_eq!(q.now(), SimTime(5));
    }
}
