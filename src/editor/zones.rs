//! Zones drawn as rectangles: a node belongs to the zone its centre lies
//! in (the topmost, i.e. last, when zones overlap).

use crate::model::{Point, Rect, Scenario, Zone};

use super::geometry::{bounds, NODE_H, NODE_W};

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
        let members = nodes.iter().filter(|n| n.zone.as_deref() == Some(zone.id.as_str()));
        if let Some(rect) = bounds(members, PADDING) {
            zone.rect = rect;
        }
    }
}

/// Space between a region's border and its zones.
const REGION_PADDING: f64 = 24.0;

/// Each region that has drawn zones, with the rectangle around them, in
/// order of first appearance: regions are drawn around their zones rather
/// than stored.
pub fn regions(s: &Scenario) -> Vec<(String, Rect)> {
    let mut out: Vec<(String, Rect)> = Vec::new();
    for z in s.zones.iter().filter(|z| !z.rect.is_empty()) {
        let r = Rect {
            x: z.rect.x - REGION_PADDING,
            y: z.rect.y - 2.0 * REGION_PADDING,
            w: z.rect.w + 2.0 * REGION_PADDING,
            h: z.rect.h + 3.0 * REGION_PADDING,
        };
        match out.iter_mut().find(|(name, _)| *name == z.region) {
            Some((_, acc)) => {
                let (x1, y1) = ((acc.x + acc.w).max(r.x + r.w), (acc.y + acc.h).max(r.y + r.h));
                acc.x = acc.x.min(r.x);
                acc.y = acc.y.min(r.y);
                acc.w = x1 - acc.x;
                acc.h = y1 - acc.y;
            }
            None => out.push((z.region.clone(), r)),
        }
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_region_surrounds_its_zones() {
        let mut s = Scenario::empty();
        let zone = |id: &str, region: &str, x: f64| Zone {
            id: id.into(),
            region: region.into(),
            label: String::new(),
            rect: Rect { x, y: 0.0, w: 100.0, h: 100.0 },
        };
        s.zones = vec![zone("a", "eu", 0.0), zone("b", "eu", 200.0), zone("c", "us", 500.0)];
        let r = regions(&s);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0], ("eu".to_owned(), Rect { x: -24.0, y: -48.0, w: 348.0, h: 172.0 }));
        assert_eq!(r[1].1.x, 476.0);
    }
}
