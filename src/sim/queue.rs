//! Message queues: a Kafka-style topic of partitioned logs and a consumer
//! group.
//!
//! A request sent to the node publishes one message to a partition (by key
//! hash, or in turn) and completes on the broker's acknowledgement: at once
//! (`acks=0`), after the leader's append (`acks=1`) or after the in-sync
//! followers replicated it too (`acks=all`). Consumers see a message once it
//! is replicated (the high watermark). Each partition belongs to at most one
//! consumer of the group (partition p to the p-th live consumer modulo their
//! number); a consumer processes the messages of its partitions one at a
//! time, in order within a partition (`consumer_time`, then the node's
//! outgoing calls), and commits its offset before (at-most-once) or after
//! (at-least-once) processing. Consumer lag is what was produced and not yet
//! committed; when messages arrive faster than the group can process them,
//! it grows at λ − Cμ per second.
//!
//! In the work-queue style (RabbitMQ) there is one queue and every consumer
//! competes for its messages: a consumer takes the head message and
//! acknowledges it after processing; a failed processing (a failed call)
//! or a crash before the acknowledgement puts it back at the head for
//! redelivery, and after `max_deliveries` deliveries it is dead-lettered.
//!
//! Faults: a consumer crash (a fault on replica c) loses the message it was
//! processing (at-most-once) or has it processed again (at-least-once, a
//! duplicate), and its partitions wait `rebalance_s` for new owners. A
//! broker failure (a fault on the whole node) fails publishes for
//! `election_s`, until in-sync replicas lead the partitions; messages not
//! yet replicated die with the leader, so acknowledged ones are lost with
//! `acks=0` and `acks=1`, and never with `acks=all`.

use std::collections::VecDeque;

use crate::metrics::NodeStats;
use crate::model::{key_partition, Acks, Delivery, Partitioner, QueueParams, QueueStyle, RequestClass};

use super::calls::Calls;
use super::component::{Behavior, Build, Condition, Ctx, Readouts, Site};
use super::event::{fault_targets, CallResult, Event, Failure, Timer, ANY_REPLICA};
use super::random::{self, Stream};
use super::report::NodeReport;
use super::request::{Origin, ReqId, Request};
use super::sampler::Sampler;
use super::SimTime;

/// A message in a partition's log.
#[derive(Clone, Copy)]
struct Message {
    produced: SimTime,
    /// When it is replicated, so visible to consumers.
    visible: SimTime,
    key: u64,
    class: RequestClass,
    /// Earlier deliveries (to a consumer that crashed or failed before
    /// committing or acknowledging it).
    deliveries: u32,
}

/// A message a consumer is processing.
#[derive(Clone, Copy)]
struct Held {
    /// The request standing for the processing.
    req: ReqId,
    partition: usize,
    /// The message, if taken off its queue (a work queue's unacknowledged
    /// message, or one committed before processing); None while it stays
    /// at the head of its partition until committed.
    taken: Option<Message>,
}

/// A consumer of the group.
#[derive(Default)]
struct Consumer {
    /// The message being processed.
    processing: Option<Held>,
    /// Where to look first among its partitions (round robin).
    next: usize,
    /// Stopped by a fault: takes no message.
    stopped: bool,
}

/// Message counts from the warm-up on.
#[derive(Default)]
struct Counters {
    produced: u64,
    consumed: u64,
    lost: u64,
    duplicated: u64,
    dead_lettered: u64,
}

/// A queue node in a run.
pub struct QueueSim {
    node: u32,
    p: QueueParams,
    consumer_time: Sampler,
    calls: Calls,
    /// Unconsumed messages (offsets from the committed one on) per
    /// partition.
    logs: Vec<VecDeque<Message>>,
    /// Owner consumer of each partition (None while rebalancing).
    owners: Vec<Option<usize>>,
    consumers: Vec<Consumer>,
    next_partition: usize,
    /// Publishes waiting for their acknowledgement.
    pending: Vec<ReqId>,
    /// While the partition leaders are being re-elected: until when.
    electing: Option<SimTime>,
    rebalance_due: Option<SimTime>,
    rng: Stream,
    warmup: SimTime,
    counters: Counters,
    /// Publishes seen (arrivals, acknowledged as served); consumers busy
    /// (busy, capacity = consumers); consumer lag in messages (queued).
    pub stats: NodeStats,
}

impl QueueSim {
    /// Node `node` (index) with parameters `p`, whose consumers make
    /// `calls` for each message.
    pub fn new(node: u32, name: &str, p: &QueueParams, calls: Calls, seed: u64, warmup: SimTime) -> Self {
        let mut q = QueueSim {
            node,
            p: p.clone(),
            consumer_time: Sampler::new(&p.consumer_time),
            calls,
            logs: (0..partitions(p)).map(|_| VecDeque::new()).collect(),
            owners: vec![None; partitions(p)],
            consumers: (0..p.consumers).map(|_| Consumer::default()).collect(),
            next_partition: 0,
            pending: Vec::new(),
            electing: None,
            rebalance_due: None,
            rng: random::stream(seed, name, "consumers"),
            warmup,
            counters: Counters::default(),
            stats: NodeStats::new(warmup),
        };
        let all: Vec<usize> = (0..q.consumers.len()).collect();
        q.assign(&all);
        q
    }

    /// Consumers in the group.
    pub fn capacity(&self) -> u32 {
        self.consumers.len() as u32
    }

    /// Index of the broker on the up board (after the consumers).
    fn broker(&self) -> usize {
        self.consumers.len()
    }

    /// Gives partition p to the (p mod n)-th of the `live` consumers.
    fn assign(&mut self, live: &[usize]) {
        for (p, owner) in self.owners.iter_mut().enumerate() {
            *owner = (!live.is_empty()).then(|| live[p % live.len()]);
        }
    }

    fn wake_all(&mut self, ctx: &mut Ctx) {
        for c in 0..self.consumers.len() {
            self.fetch(ctx, c);
        }
    }

    /// An idle consumer that is up takes the next visible message of its
    /// partitions, in turn.
    fn fetch(&mut self, ctx: &mut Ctx, c: usize) {
        let now = ctx.now();
        let consumer = &self.consumers[c];
        if consumer.processing.is_some()
            || consumer.stopped
            || !ctx.up[self.node as usize][c]
            || self.electing.is_some()
        {
            return;
        }
        let n = self.logs.len();
        let start = self.consumers[c].next;
        let found = (0..n)
            .map(|k| (start + k) % n)
            .find(|&p| self.owns(c, p) && self.logs[p].front().is_some_and(|m| m.visible <= now));
        let Some(p) = found else { return };
        self.consumers[c].next = (p + 1) % n;
        let taken = match (self.p.style, self.p.delivery) {
            // Commit (acknowledge) first: gone before processing.
            (_, Delivery::AtMostOnce) => self.commit(ctx, p),
            // Unacknowledged: off the queue, back on it if not acknowledged.
            (QueueStyle::WorkQueue, Delivery::AtLeastOnce) => self.logs[p].pop_front(),
            // Stays at the head of its partition until committed.
            (QueueStyle::Log, Delivery::AtLeastOnce) => None,
        };
        let Some(message) = taken.or_else(|| self.logs[p].front().copied()) else { return };
        let request = Request {
            client: self.node,
            class: message.class,
            key: message.key,
            session: 0,
            deadline: SimTime::MAX,
            born: message.produced,
            origin: Origin::Detached,
            caller: self.node,
            edge: 0,
            at: self.node,
            replica: c as u32,
            worker: 0,
            arrived: now,
            next_call: 0,
            abandoned: false,
            attempt: 0,
            waited_ms: 0.0,
        };
        let req = ctx.requests.insert(request);
        self.consumers[c].processing = Some(Held { req, partition: p, taken });
        self.stats.busy.add(now, 1);
        let ms = self.consumer_time.draw_ms(&mut self.rng);
        ctx.queue.schedule(now.after(SimTime::from_ms(ms)), Event::Done(req));
    }

    /// Moves partition `p`'s committed offset past its head message.
    fn commit(&mut self, ctx: &Ctx, p: usize) -> Option<Message> {
        let message = self.logs[p].pop_front()?;
        self.stats.queued.add(ctx.now(), -1);
        self.count_consumed(ctx.now());
        Some(message)
    }

    /// Whether consumer `c` reads partition `p`: its owner, or any consumer
    /// of a work queue.
    fn owns(&self, c: usize, p: usize) -> bool {
        self.p.style == QueueStyle::WorkQueue || self.owners[p] == Some(c)
    }

    /// Consumer `c` finished its message (its calls included), `ok` unless
    /// a call failed: it commits, or acknowledges (`ok`) or rejects it.
    fn processed(&mut self, ctx: &mut Ctx, c: usize, ok: bool) {
        let Some(held) = self.consumers[c].processing.take() else { return };
        ctx.requests.remove(held.req);
        self.stats.busy.add(ctx.now(), -1);
        match (self.p.style, self.p.delivery, held.taken) {
            (QueueStyle::Log, Delivery::AtLeastOnce, _) => {
                if let Some(message) = self.commit(ctx, held.partition) {
                    self.count_duplicate(&message);
                }
            }
            (QueueStyle::WorkQueue, Delivery::AtLeastOnce, Some(message)) if ok => {
                self.stats.queued.add(ctx.now(), -1);
                self.count_consumed(ctx.now());
                self.count_duplicate(&message);
            }
            (QueueStyle::WorkQueue, Delivery::AtLeastOnce, Some(message)) => {
                self.redeliver(ctx, held.partition, message)
            }
            // Committed before processing: nothing left to do.
            _ => {}
        }
        self.fetch(ctx, c);
    }

    /// A message was consumed at `now`: it counts towards the rate out
    /// after the warm-up, whenever it was produced (a backlog drained after
    /// the warm-up is throughput of the measured period).
    fn count_consumed(&mut self, now: SimTime) {
        if now >= self.warmup {
            self.counters.consumed += 1;
        }
    }

    /// A message processed after an earlier delivery was processed twice.
    fn count_duplicate(&mut self, message: &Message) {
        if message.deliveries > 0 && message.produced >= self.warmup {
            self.counters.duplicated += 1;
        }
    }

    /// A work queue's unacknowledged message goes back to the head of its
    /// queue, or, after `max_deliveries`, to the dead-letter queue.
    fn redeliver(&mut self, ctx: &mut Ctx, p: usize, mut message: Message) {
        message.deliveries += 1;
        if message.deliveries >= self.p.max_deliveries {
            self.stats.queued.add(ctx.now(), -1);
            if message.produced >= self.warmup {
                self.counters.dead_lettered += 1;
            }
        } else {
            self.logs[p].push_front(message);
            self.wake_all(ctx);
        }
    }

    /// The consumer processing message request `req`, if any: the one its
    /// `replica` names, if still processing it.
    fn consumer_of(&self, ctx: &Ctx, req: ReqId) -> Option<usize> {
        let c = ctx.requests.get(req)?.replica as usize;
        self.consumers.get(c)?.processing.filter(|h| h.req == req).map(|_| c)
    }

    /// Makes the remaining calls of the message request `req`; when none is
    /// left, the message is processed.
    fn advance(&mut self, ctx: &mut Ctx, req: ReqId) {
        let Some(c) = self.consumer_of(ctx, req) else { return };
        let Some(request) = ctx.requests.get(req).copied() else { return };
        if !self.calls.advance(ctx, req, &request) {
            self.processed(ctx, c, true);
        }
    }

    /// Publishes `req`'s message, if the partition leaders are available.
    fn publish(&mut self, ctx: &mut Ctx, req: ReqId, request: &Request) {
        let now = ctx.now();
        let n = self.logs.len();
        let p = match self.p.partitioner {
            Partitioner::KeyHash => key_partition(request.key, n),
            Partitioner::RoundRobin => {
                self.next_partition = (self.next_partition + 1) % n;
                self.next_partition
            }
        };
        let appended = now.after(SimTime::from_ms(self.p.append_ms));
        let visible = appended.after(SimTime::from_ms(self.p.replication_ms));
        let message = Message { produced: now, visible, key: request.key, class: request.class, deliveries: 0 };
        self.logs[p].push_back(message);
        self.stats.queued.add(now, 1);
        if now >= self.warmup {
            self.counters.produced += 1;
        }
        ctx.set_timer(self.node, Timer::Partition { partition: p as u32 }, visible);
        let acked = match self.p.acks {
            Acks::None => now,
            Acks::Leader => appended,
            Acks::All => visible,
        };
        if acked == now {
            self.acknowledge(ctx, req, request);
        } else {
            self.pending.push(req);
            ctx.queue.schedule(acked, Event::Done(req));
        }
    }

    fn acknowledge(&mut self, ctx: &mut Ctx, req: ReqId, request: &Request) {
        self.stats.depart(request.arrived, ctx.now());
        ctx.reply(req, Ok(()));
    }

    /// The partition leaders fail: unreplicated messages die with them.
    fn broker_crash(&mut self, ctx: &mut Ctx) {
        let now = ctx.now();
        if self.electing.is_some() {
            return;
        }
        ctx.up[self.node as usize][self.broker()] = false;
        let mut lost = 0;
        for log in &mut self.logs {
            while log.back().is_some_and(|m| m.visible > now) {
                let Some(m) = log.pop_back() else { break };
                self.stats.queued.add(now, -1);
                let acknowledged = match self.p.acks {
                    Acks::None => true,
                    Acks::Leader => m.visible.0 - SimTime::from_ms(self.p.replication_ms).0 <= now.0,
                    Acks::All => false,
                };
                if acknowledged && m.produced >= self.warmup {
                    lost += 1;
                }
            }
        }
        self.counters.lost += lost;
        // Publishes still waiting for their acknowledgement fail.
        for req in std::mem::take(&mut self.pending) {
            if let Some(request) = ctx.requests.get(req).copied() {
                self.stats.depart(request.arrived, now);
                ctx.reply(req, Err(Failure::Error));
            }
        }
        let until = now.after(SimTime::from_s(self.p.election_s));
        self.electing = Some(until);
        ctx.set_timer(self.node, Timer::Failover, until);
        let detail =
            format!("partition leaders failed: {lost} acknowledged messages lost; publishes fail until election");
        ctx.log(self.node, "crash", detail);
    }

    /// Consumer `c` crashes: its message is lost or will be redelivered;
    /// its partitions wait for the rebalance.
    fn consumer_crash(&mut self, ctx: &mut Ctx, c: usize) {
        let now = ctx.now();
        if !ctx.up[self.node as usize][c] {
            return;
        }
        ctx.up[self.node as usize][c] = false;
        let mut what = "idle";
        if let Some(held) = self.consumers[c].processing.take() {
            ctx.requests.remove(held.req);
            self.stats.busy.add(now, -1);
            match (self.p.delivery, held.taken) {
                (Delivery::AtMostOnce, _) => {
                    self.counters.lost += 1;
                    what = "its message lost (committed before processing)";
                }
                (Delivery::AtLeastOnce, Some(message)) => {
                    self.redeliver(ctx, held.partition, message);
                    what = "its unacknowledged message is redelivered";
                }
                (Delivery::AtLeastOnce, None) => {
                    if let Some(m) = self.logs[held.partition].front_mut() {
                        m.deliveries += 1;
                    }
                    what = "its message will be processed again (offset not committed)";
                }
            }
        }
        if self.p.style == QueueStyle::Log {
            for owner in self.owners.iter_mut().filter(|o| **o == Some(c)) {
                *owner = None;
            }
            self.schedule_rebalance(ctx);
        }
        ctx.log(self.node, "crash", format!("consumer {c} crashed: {what}"));
    }

    fn schedule_rebalance(&mut self, ctx: &mut Ctx) {
        let at = ctx.now().after(SimTime::from_s(self.p.rebalance_s));
        self.rebalance_due = Some(at);
        ctx.set_timer(self.node, Timer::Rebalance, at);
    }

    fn rebalance(&mut self, ctx: &mut Ctx) {
        self.rebalance_due = None;
        let live: Vec<usize> = (0..self.consumers.len()).filter(|&c| ctx.up[self.node as usize][c]).collect();
        self.assign(&live);
        let detail = format!("partitions reassigned over {} consumers", live.len());
        ctx.log(self.node, "rebalance", detail);
        self.wake_all(ctx);
    }

    fn recover(&mut self, ctx: &mut Ctx, i: usize) {
        if ctx.up[self.node as usize][i] {
            return;
        }
        ctx.up[self.node as usize][i] = true;
        if i == self.broker() {
            ctx.log(self.node, "recover", "broker recovered, rejoins as a follower".to_owned());
        } else {
            ctx.log(self.node, "recover", format!("consumer {i} recovered, joins the group"));
            match self.p.style {
                QueueStyle::Log => self.schedule_rebalance(ctx),
                QueueStyle::WorkQueue => self.fetch(ctx, i),
            }
        }
    }
}

impl Build<QueueParams> for QueueSim {
    fn build(site: &Site, p: &QueueParams) -> Self {
        QueueSim::new(site.index, site.name(), p, site.calls(), site.seed, site.warmup)
    }

    /// Applies new parameters from now on (not the numbers of partitions or
    /// consumers: those need a new run).
    fn reconfigure(&mut self, ctx: &mut Ctx, p: &QueueParams) {
        self.p = p.clone();
        self.consumer_time = Sampler::new(&p.consumer_time);
        self.wake_all(ctx);
    }

    /// The consumers, then the broker.
    fn board(p: &QueueParams) -> usize {
        p.consumers as usize + 1
    }
}

impl Behavior for QueueSim {
    fn load(&self) -> Option<(&NodeStats, u32)> {
        Some((&self.stats, self.capacity()))
    }

    fn readouts(&self) -> Readouts {
        let c = &self.counters;
        Readouts { lag_added: Some(c.produced as i64 - c.consumed as i64), ..Readouts::default() }
    }

    /// The consumers up (the board's last entry is the broker).
    fn slots_in_service(&self, _slots: u32, up: &[bool]) -> u32 {
        up[..self.consumers.len()].iter().filter(|u| **u).count() as u32
    }

    fn on_timer(&mut self, ctx: &mut Ctx, timer: Timer) {
        let now = ctx.now();
        match timer {
            Timer::Partition { partition } => match self.p.style {
                QueueStyle::WorkQueue => self.wake_all(ctx),
                QueueStyle::Log => {
                    if let Some(c) = self.owners.get(partition as usize).copied().flatten() {
                        self.fetch(ctx, c);
                    }
                }
            },
            Timer::Rebalance if self.rebalance_due == Some(now) => self.rebalance(ctx),
            Timer::Failover if self.electing == Some(now) => {
                self.electing = None;
                ctx.log(self.node, "failover", "in-sync replicas lead the partitions".to_owned());
                self.wake_all(ctx);
            }
            _ => {}
        }
    }

    fn on_deliver(&mut self, ctx: &mut Ctx, req: ReqId) {
        let now = ctx.now();
        self.stats.arrive(now);
        let Some(request) = ctx.requests.get(req).copied() else { return };
        if self.electing.is_none() {
            self.publish(ctx, req, &request);
        } else if self.p.acks == Acks::None {
            // Nobody waits: the message is silently lost.
            if now >= self.warmup {
                self.counters.lost += 1;
            }
            self.acknowledge(ctx, req, &request);
        } else {
            self.stats.drop_request(now, now);
            ctx.reply(req, Err(Failure::Error));
        }
    }

    /// A publish is acknowledged, or a consumer finished processing.
    fn on_done(&mut self, ctx: &mut Ctx, req: ReqId) {
        if let Some(k) = self.pending.iter().position(|&r| r == req) {
            self.pending.swap_remove(k);
            if let Some(request) = ctx.requests.get(req).copied() {
                self.acknowledge(ctx, req, &request);
            }
            return;
        }
        self.advance(ctx, req);
    }

    /// A consumer's call answered. A failure rejects a work queue's message
    /// (redelivered); in a log it does not stop the message, which counts
    /// as processed.
    fn on_reply(&mut self, ctx: &mut Ctx, child: &Request, result: CallResult) {
        let Origin::Call { parent } = child.origin else { return };
        match (self.p.style, result, self.consumer_of(ctx, parent)) {
            (QueueStyle::WorkQueue, Err(_), Some(c)) => self.processed(ctx, c, false),
            _ => self.advance(ctx, parent),
        }
    }

    /// The whole node failing is a broker failure; replica c is consumer c.
    /// Recovering the whole node recovers the broker and every consumer.
    fn on_condition(&mut self, ctx: &mut Ctx, replica: u32, condition: Condition) {
        let Condition::Stopped(stopped) = condition else { return };
        for c in fault_targets(replica, self.consumers.len()) {
            self.consumers[c].stopped = stopped;
            let what = if stopped { "stopped" } else { "started" };
            ctx.log(self.node, what, format!("consumer {c} {what} taking messages"));
            self.fetch(ctx, c);
        }
    }

    fn on_fault(&mut self, ctx: &mut Ctx, replica: u32, up: bool) {
        match (up, replica) {
            (true, ANY_REPLICA) => (0..=self.broker()).for_each(|i| self.recover(ctx, i)),
            (true, c) if (c as usize) < self.broker() => self.recover(ctx, c as usize),
            (false, ANY_REPLICA) => self.broker_crash(ctx),
            (false, c) if (c as usize) < self.broker() => self.consumer_crash(ctx, c as usize),
            _ => {}
        }
    }

    fn memory_bytes(&self) -> u64 {
        self.logs.iter().map(|log| log.len() as u64).sum::<u64>() * crate::model::MESSAGE_BYTES
    }

    fn report(&self, now: SimTime) -> NodeReport {
        let c = &self.counters;
        let span = now.since(self.warmup).as_s();
        let rate = |n: u64| if span > 0.0 { n as f64 / span } else { 0.0 };
        let lag: usize = self.logs.iter().map(VecDeque::len).sum();
        let oldest = self.logs.iter().filter_map(|l| l.front()).map(|m| m.produced).min();
        NodeReport::from_stats("queue", &self.stats, self.capacity(), now)
            .with("partitions", self.logs.len() as f64)
            .with("consumer_lag", lag as f64)
            .with("consumer_lag_s", oldest.map_or(0.0, |t| now.since(t).as_s()))
            .with("throughput_in_rps", rate(c.produced))
            .with("throughput_out_rps", rate(c.consumed))
            .with("lost_messages", c.lost as f64)
            .with("duplicated_messages", c.duplicated as f64)
            .with("dead_lettered", c.dead_lettered as f64)
    }
}

/// Partitions of a queue: a work queue has one.
fn partitions(p: &QueueParams) -> usize {
    match p.style {
        QueueStyle::Log => p.partitions as usize,
        QueueStyle::WorkQueue => 1,
    }
}
