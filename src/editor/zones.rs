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
            Some((_, acc)) => *acc = acc.union(&r),
            None => out.push((z.region.clone(), r)),
        }
    }
    out
}

/// The rectangle around everything drawn: the nodes, and each region
/// around its zones; none for an empty drawing.
pub fn drawing(s: &Scenario) -> Option<Rect> {
    regions(s).iter().map(|(_, r)| *r).chain(bounds(&s.nodes, 0.0)).reduce(|a, b| a.union(&b))
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

    /// Whether every region and drawn zone of `s` lies inside a `w` × `h`
    /// surface seen through `cam`.
    fn all_on_screen(s: &Scenario, cam: &crate::editor::geometry::Camera, w: f64, h: f64) -> bool {
        let rects = regions(s).into_iter().map(|(_, r)| r).chain(s.zones.iter().map(|z| z.rect));
        rects.filter(|r| !r.is_empty()).all(|r| {
            let (x0, y0) = (cam.zoom * r.x + cam.x, cam.zoom * r.y + cam.y);
            let (x1, y1) = (x0 + cam.zoom * r.w, y0 + cam.zoom * r.h);
            x0 >= -1e-9 && y0 >= -1e-9 && x1 <= w + 1e-9 && y1 <= h + 1e-9
        })
    }

    #[test]
    fn the_drawing_and_a_fitted_view_hold_empty_zones_and_their_regions() {
        use crate::editor::geometry::Camera;
        use crate::model::{Node, NodeKind, ServiceParams};
        // A node at the origin (144 × 56) and, below it, an empty zone
        // 100 × 100 at y 200, whose region reaches 24 to each side, 48
        // above and 24 below it: y 152–324, x −24–124.
        let node = Node {
            id: "a".into(),
            label: String::new(),
            pos: Point { x: 0.0, y: 0.0 },
            zone: None,
            kind: NodeKind::Service(ServiceParams::default()),
        };
        let zone = Zone {
            id: "z".into(),
            region: "r".into(),
            label: String::new(),
            rect: Rect { x: 0.0, y: 200.0, w: 100.0, h: 100.0 },
        };
        let s = Scenario { nodes: vec![node], zones: vec![zone], ..Scenario::empty() };
        assert_eq!(drawing(&s), Some(Rect { x: -24.0, y: 0.0, w: 168.0, h: 324.0 }));
        assert_eq!(drawing(&Scenario::empty()), None);
        // Fitted with a 40 px margin on a 1000 × 400 surface: zoom 320 / 324.
        let cam = Camera::fit(&s, 1000.0, 400.0);
        assert!((cam.zoom - 320.0 / 324.0).abs() < 1e-12);
        assert!(all_on_screen(&s, &cam, 1000.0, 400.0));
        // The zone-outage exercise on the canvas of a 1280 × 800 window
        // (760 × 412): its three zones, two of them empty, and the region.
        let shipped = crate::workshop::exercises::find("zone-outage").unwrap().scenario().unwrap();
        assert!(all_on_screen(&shipped, &Camera::fit(&shipped, 760.0, 412.0), 760.0, 412.0));
    }
}
