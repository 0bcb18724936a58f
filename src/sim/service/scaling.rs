//! The pool's side of autoscaling: slots beyond the starting count are off
//! and unregistered; a scale-out launches slots that enter service after
//! the provisioning time; a scale-in deregisters slots, which stop once
//! the requests they hold are done (connection draining). Every action is
//! an event.

use crate::words::count;

use super::super::component::Ctx;
use super::super::event::Timer;
use super::super::report::NodeReport;
use super::super::scaler::{Decision, Scaler, Slot};
use super::super::SimTime;
use super::ServiceSim;

impl ServiceSim {
    /// Turns the slots beyond the starting count off and schedules the
    /// first evaluation.
    pub(super) fn start_scaling(&mut self, ctx: &mut Ctx) {
        let Some(s) = &self.scaler else { return };
        let off: Vec<usize> = (0..s.slots.len()).filter(|&k| s.slots[k] == Slot::Off).collect();
        for k in off {
            ctx.up[self.node as usize][k] = false;
            ctx.register(self.node, k, false);
        }
        ctx.set_timer(self.node, Timer::Scale, ctx.now().after(s.interval()));
    }

    /// Whether slot `replica` runs (always, for a fixed pool).
    pub(super) fn running(&self, replica: usize) -> bool {
        self.scaler.as_ref().is_none_or(|s| matches!(s.slots[replica], Slot::InService(_) | Slot::Draining))
    }

    /// Evaluates the policy and acts on it; schedules the next evaluation.
    pub(super) fn scale(&mut self, ctx: &mut Ctx) {
        let now = ctx.now();
        let replicas = &self.replicas;
        let Some(s) = self.scaler.as_mut() else { return };
        let (decision, metric) = s.evaluate(now, self.workers, |k| replicas[k].queued());
        ctx.set_timer(self.node, Timer::Scale, now.after(s.interval()));
        let Some(decision) = decision else { return };
        let before = s.in_service();
        let reason = format!("{} {metric:.2}, target {}", s.metric_name(), s.target());
        match decision {
            Decision::Out(n) => {
                let off: Vec<usize> =
                    (0..s.slots.len()).filter(|&k| s.slots[k] == Slot::Off).take(n as usize).collect();
                for &k in &off {
                    s.set(k, Slot::Launching, now);
                    ctx.set_timer(self.node, Timer::Launched { replica: k as u32 }, now.after(s.provisioning()));
                }
                let detail = format!(
                    "scaling out: launching {} (in service {before}; {reason})",
                    count(off.len() as u64, "replica")
                );
                ctx.log(self.node, "scale_out", detail);
            }
            Decision::In(n) => {
                // The newest replicas go first.
                let serving: Vec<usize> = (0..s.slots.len())
                    .rev()
                    .filter(|&k| matches!(s.slots[k], Slot::InService(_)))
                    .take(n as usize)
                    .collect();
                for &k in &serving {
                    s.set(k, Slot::Draining, now);
                    ctx.register(self.node, k, false);
                }
                let detail = format!(
                    "scaling in: draining {} (in service {before}; {reason})",
                    count(serving.len() as u64, "replica")
                );
                ctx.log(self.node, "scale_in", detail);
                for k in serving {
                    self.stop_if_drained(ctx, k);
                }
            }
        }
    }

    /// Launched slot `replica` enters service: up and registered.
    pub(super) fn launched(&mut self, ctx: &mut Ctx, replica: usize) {
        let now = ctx.now();
        let Some(s) = self.scaler.as_mut().filter(|s| s.slots[replica] == Slot::Launching) else { return };
        s.set(replica, Slot::InService(now), now);
        ctx.up[self.node as usize][replica] = true;
        ctx.register(self.node, replica, true);
        ctx.log(self.node, "in_service", format!("replica {replica} in service ({} in service)", s.in_service()));
    }

    /// A draining slot with nothing left to do stops.
    #[inline]
    pub(super) fn stop_if_drained(&mut self, ctx: &mut Ctx, replica: usize) {
        // Called after every request a pool finishes: the cheap test inline.
        if self.scaler.is_some() {
            self.stop_if_drained_scaled(ctx, replica);
        }
    }

    /// [`Self::stop_if_drained`] for an autoscaled pool (out of line).
    #[inline(never)]
    fn stop_if_drained_scaled(&mut self, ctx: &mut Ctx, replica: usize) {
        let Some(s) = self.scaler.as_mut().filter(|s| s.slots[replica] == Slot::Draining) else { return };
        if self.replicas[replica].busy() > 0 || self.replicas[replica].queued() > 0 {
            return;
        }
        s.set(replica, Slot::Off, ctx.now());
        ctx.up[self.node as usize][replica] = false;
        ctx.log(self.node, "stopped", format!("replica {replica} drained and stopped"));
    }

    /// The report's scaling figures: replicas in service on average (the
    /// utilization is then over the capacity in service) and actions.
    pub(super) fn scaling_report(&self, s: &Scaler, report: NodeReport, now: SimTime) -> NodeReport {
        let mean_replicas = s.serving.mean(now);
        let capacity = mean_replicas * f64::from(self.workers);
        let utilization = if capacity > 0.0 { self.stats.busy.mean(now) / capacity } else { 0.0 };
        NodeReport { utilization, ..report }
            .with("mean_replicas", mean_replicas)
            .with("scaling_actions", f64::from(s.actions))
    }
}
