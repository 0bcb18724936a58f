//! The canvas view: its camera (pan and zoom), the surface element it
//! draws on, fitting the drawing into it, and dropping palette items
//! through it.

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use crate::editor::geometry::Camera;
use crate::editor::Action;

use super::canvas::pointer_at;
use super::palette::{Drop, ZONE};
use super::store::{Msg, Shared};

/// The view's state and commands, from [`use_view`].
#[derive(Clone)]
pub struct View {
    /// The camera.
    pub camera: UseStateHandle<Camera>,
    /// The canvas's surface element.
    pub surface: NodeRef,
    /// Fit the whole drawing in the surface now.
    pub on_fit: Callback<()>,
    /// Zoom by a factor about the surface's centre.
    pub on_zoom: Callback<f64>,
    /// Lay the drawing out automatically, then fit it.
    pub on_layout: Callback<()>,
    /// A palette item dropped at a client point: added there if the point
    /// is on the surface.
    pub on_drop: Callback<Drop>,
    /// Set to fit at the next change of the design (a design opened).
    fit_pending: Rc<RefCell<bool>>,
}

impl View {
    /// Fit the drawing once the next design (or edit) is drawn.
    pub fn fit_next(&self) {
        *self.fit_pending.borrow_mut() = true;
    }
}

/// The view of `scenario`, sending edits (drops, layout) to `on_msg`. It
/// fits the drawing once the surface has a size, and after an
/// auto-layout or [`View::fit_next`].
#[hook]
pub fn use_view(scenario: Shared, on_msg: Callback<Msg>) -> View {
    let camera = use_state(Camera::default);
    let surface = use_node_ref();
    let fit_pending = use_mut_ref(|| true);
    let on_fit = {
        let (camera, surface, scenario) = (camera.clone(), surface.clone(), scenario.clone());
        Callback::from(move |()| {
            if let Some(el) = surface.cast::<web_sys::Element>() {
                let r = el.get_bounding_client_rect();
                camera.set(Camera::fit(&scenario, r.width(), r.height()));
            }
        })
    };
    {
        let (on_fit, fit_pending) = (on_fit.clone(), fit_pending.clone());
        use_effect_with(scenario, move |_| {
            if std::mem::take(&mut *fit_pending.borrow_mut()) {
                on_fit.emit(());
            }
        });
    }
    let on_zoom = {
        let (camera, surface) = (camera.clone(), surface.clone());
        Callback::from(move |factor: f64| {
            if let Some(el) = surface.cast::<web_sys::Element>() {
                let r = el.get_bounding_client_rect();
                camera.set(camera.zoom_at(r.width() / 2.0, r.height() / 2.0, factor));
            }
        })
    };
    let on_layout = {
        let (on_msg, fit_pending) = (on_msg.clone(), fit_pending.clone());
        Callback::from(move |()| {
            *fit_pending.borrow_mut() = true;
            on_msg.emit(Msg::Apply(Action::AutoLayout));
        })
    };
    let on_drop = {
        let (surface, camera) = (surface.clone(), camera.clone());
        Callback::from(move |d: Drop| {
            let Some(el) = surface.cast::<web_sys::Element>() else { return };
            let r = el.get_bounding_client_rect();
            let (x, y) = (f64::from(d.client.0), f64::from(d.client.1));
            let inside = x >= r.left() && x <= r.right() && y >= r.top() && y <= r.bottom();
            if let (true, Some(at)) = (inside, pointer_at(&surface, &camera, d.client.0, d.client.1)) {
                let action = if d.kind == ZONE {
                    Action::AddZone { at: at.world }
                } else {
                    Action::AddNode { kind: d.kind.to_owned(), at: at.world }
                };
                on_msg.emit(Msg::Apply(action));
            }
        })
    };
    View { camera, surface, on_fit, on_zoom, on_layout, on_drop, fit_pending }
}
