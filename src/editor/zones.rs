//! Zones drawn as rectangles: a node belongs to the zone its centre lies
//! in (the topmost, i.e. last, when zones overlap).

use crate::model::{Point, Rect, Scenario, Zone};

use super::geometry::{NODE_H, NODE_W};

/// Size of a new zone, canvas units.
pub const NEW_ZONE: (f64, f64) = (440.0, 260.0);
/// Space between a fitted zone's border and its nodes.
const PADDING: f64 = 40.0;

/// Sets every node's zone from the drawn rectangles. A node outside every
/// drawn zone keeps a zone that has no rectangle (one named only in the
/// file), and otherwise has none.
pub fn assign(s: &mut Scenario) {
    let Scenario { zones, nodes, .. } = s;
    for node in nodes.iter_mut() {
        let centre = Point { x: node.pos.x + NODE_W / 2.0, y: node.pos.y + NODE_H / 2.0 };
        let drawn = zones.iter().rev().find(|z| z.rect.contains(centre));
        let undrawn = |id: &String| zones.iter().any(|z| &z.id == id && z.rect.is_empty());
        node.zone = match drawn {
            Some(z) => Some(z.id.clone()),
            None => node.zone.take().filter(undrawn),
        };
    }
}

/// Resizes each drawn zone around its member nodes (after an auto-layout).
pub fn fit_to_members(s: &mut Scenario) {
    let Scenario { zones, nodes, .. } = s;
    for zone in zones.iter_mut().filter(|z| !z.rect.is_empty()) {
        let members: Vec<_> = nodes.iter().filter(|n| n.zone.as_deref() == Some(zone.id.as_str())).collect();
        if members.is_empty() {
            continue;
        }
        let x0 = members.iter().map(|n| n.pos.x).fold(f64::MAX, f64::min) - PADDING;
        let y0 = members.iter().map(|n| n.pos.y).fold(f64::MAX, f64::min) - PADDING;
        let x1 = members.iter().map(|n| n.pos.x + NODE_W).fold(f64::MIN, f64::max) + PADDING;
        let y1 = members.iter().map(|n| n.pos.y + NODE_H).fold(f64::MIN, f64::max) + PADDING;
        zone.rect = Rect { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
    }
}

/// A new drawn zone centred at `at`, with a fresh id, in the region of the
/// last zone (or `region-1`).
pub fn new_zone(s: &Scenario, at: Point) -> Zone {
    let n = (1..).find(|n| !s.zones.iter().any(|z| z.id == format!("zone-{n}"))).unwrap_or(1);
    let region = s.zones.last().map_or_else(|| "region-1".to_owned(), |z| z.region.clone());
    let (w, h) = NEW_ZONE;
    Zone {
        id: format!("zone-{n}"),
        region,
        label: format!("Zone {n}"),
        rect: Rect { x: at.x - w / 2.0, y: at.y - h / 2.0, w, h },
    }
}
