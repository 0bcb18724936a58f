//! The engine allocates nothing per event: once an M/M/10 run is warm (its
//! request slab, event list and queues at their working size), simulating
//! two million more events allocates only what its per-second metrics need
//! (a time-series bucket and a load-history sample each simulated second).
//! Its memory grows with the requests in flight, not with those served.
//!
//! A test binary of its own, because it counts every heap allocation of the
//! process through a global allocator.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};

use archsim::model::Scenario;
use archsim::sim::{SimTime, Simulation};

/// The system allocator, counting allocations and reallocations and the
/// bytes they ask for.
struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        BYTES.fetch_add(layout.size() as u64, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        BYTES.fetch_add(new_size as u64, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn a_warm_run_allocates_per_simulated_second_not_per_event() {
    // M/M/10 at ρ = 0.9: λ = 9,000 req/s, mean service time 1 ms. The
    // client's timeout is longer than the run: what it keeps per request
    // in flight must go when the reply comes, not when the timeout would.
    let scenario = Scenario::from_json(
        r#"{ "version": 1, "settings": { "duration_s": 80, "warmup_s": 0 },
          "nodes": [
            { "id": "c", "kind": "client", "params": { "arrivals": { "model": "open",
              "rate": { "shape": "constant", "rps": 9000 } }, "timeout_ms": 3600000 } },
            { "id": "s", "kind": "service", "params": { "replicas": 1, "workers": 10,
              "queue_capacity": 100000, "service_time": { "dist": "exponential", "mean_ms": 1 } } } ],
          "edges": [ { "from": "c", "to": "s", "latency": { "base_ms": 0 } } ] }"#,
    )
    .expect("the scenario parses");
    let mut sim = Simulation::new(&scenario, 7).expect("the scenario is valid");
    sim.run_until(SimTime::from_s(20.0));
    let counters = || (ALLOCATIONS.load(Ordering::Relaxed), BYTES.load(Ordering::Relaxed));
    let (events, (allocations, bytes)) = (sim.events_processed(), counters());
    sim.run_until(SimTime::from_s(80.0));
    let events = sim.events_processed() - events;
    let (allocations, bytes) = (counters().0 - allocations, counters().1 - bytes);
    // Four events per customer (arrival, delivery, completion, reply).
    assert!(events > 2_000_000, "only {events} events");
    // 60 simulated seconds: a bucket (its histogram) and a history sample
    // (its vector) each, plus the rare doubling of a queue that reaches a
    // new longest length.
    assert!(allocations <= 60 * 3 + 20, "{allocations} allocations in {events} events");
    // A bucket's histogram (2 significant digits up to an hour) is about
    // 26 KiB; keeping 16 bytes for every request served would ask for
    // megabytes.
    assert!(bytes <= 60 * 64 * 1024, "{bytes} bytes allocated in {events} events");
}
