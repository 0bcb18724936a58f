//! The surface's pointer input: presses, drags, pinches and the wheel
//! become gesture inputs (`editor::gesture`, tested natively) and their
//! effects (edits, selection, camera moves).

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use crate::editor::gesture::{Effect, Gesture, Modifiers};
use crate::model::Point;

use super::{pointer_at, CanvasProps};
use crate::ui::store::Msg;

/// The gesture in progress and the surface's handlers, from
/// [`use_pointers`].
pub struct Pointers {
    /// What the pointer is doing (dragging nodes, wiring, selecting, …).
    pub gesture: UseStateHandle<Gesture>,
    /// `pointerdown`.
    pub on_down: Callback<PointerEvent>,
    /// `pointermove`.
    pub on_move: Callback<PointerEvent>,
    /// `pointerup` and `pointercancel`.
    pub on_up: Callback<PointerEvent>,
    /// `wheel`: zoom about the pointer.
    pub on_wheel: Callback<WheelEvent>,
}

/// The pointer handlers of the canvas drawn with `props`: one pointer
/// drives a gesture (space held: pans), two pinch-zoom.
#[hook]
pub fn use_pointers(props: &CanvasProps) -> Pointers {
    let gesture = use_state(Gesture::default);
    let space = use_space_key();
    // Pointers down on the surface (id, screen point): two make a pinch.
    let touches = use_mut_ref(Vec::<(i32, Point)>::new);
    let to_pointer = {
        let (surface, camera) = (props.surface.clone(), props.camera);
        move |e: &PointerEvent| pointer_at(&surface, &camera, e.client_x(), e.client_y())
    };
    let emit = {
        let (on_msg, on_camera, camera) = (props.on_msg.clone(), props.on_camera.clone(), props.camera);
        move |effects: Vec<Effect>| {
            let mut cam = camera;
            for effect in effects {
                match effect {
                    Effect::Select(ids) => on_msg.emit(Msg::Select(ids)),
                    Effect::SelectEdge(index) => on_msg.emit(Msg::SelectEdge(index)),
                    Effect::SelectZone(id) => on_msg.emit(Msg::SelectZone(id)),
                    Effect::Apply(action) => on_msg.emit(Msg::Apply(action)),
                    Effect::Pan { dx, dy } => {
                        cam.x += dx;
                        cam.y += dy;
                        on_camera.emit(cam);
                    }
                }
            }
        }
    };
    let on_down = {
        let (gesture, scenario, selection) = (gesture.clone(), props.scenario.clone(), props.selection.clone());
        let (to_pointer, emit, surface) = (to_pointer.clone(), emit.clone(), props.surface.clone());
        let (space, touches) = (space.clone(), touches.clone());
        Callback::from(move |e: PointerEvent| {
            if e.button() != 0 {
                return;
            }
            let Some(at) = to_pointer(&e) else { return };
            if let Some(el) = surface.cast::<web_sys::Element>() {
                // Keep receiving moves outside the surface until release.
                let _ = el.set_pointer_capture(e.pointer_id());
            }
            let mut t = touches.borrow_mut();
            t.retain(|(id, _)| *id != e.pointer_id());
            t.push((e.pointer_id(), at.screen));
            if t.len() >= 2 {
                // A second finger: the press becomes a pinch.
                gesture.set(Gesture::Idle);
                return;
            }
            drop(t);
            let mut g = (*gesture).clone();
            let keys = Modifiers { shift: e.shift_key(), space: *space.borrow() };
            emit(g.down(&scenario, &selection, at, keys));
            gesture.set(g);
        })
    };
    let on_move = {
        let (gesture, to_pointer, emit) = (gesture.clone(), to_pointer.clone(), emit.clone());
        let (touches, on_camera, camera) = (touches.clone(), props.on_camera.clone(), props.camera);
        Callback::from(move |e: PointerEvent| {
            let Some(at) = to_pointer(&e) else { return };
            let mut t = touches.borrow_mut();
            if t.len() >= 2 {
                let before = (t[0].1, t[1].1);
                if let Some(slot) = t.iter_mut().find(|(id, _)| *id == e.pointer_id()) {
                    slot.1 = at.screen;
                }
                let after = (t[0].1, t[1].1);
                drop(t);
                on_camera.emit(camera.pinch(before, after));
                return;
            }
            drop(t);
            if *gesture == Gesture::Idle {
                return;
            }
            let mut g = (*gesture).clone();
            emit(g.moved(at));
            gesture.set(g);
        })
    };
    let on_up = {
        let (gesture, scenario, touches) = (gesture.clone(), props.scenario.clone(), touches.clone());
        Callback::from(move |e: PointerEvent| {
            let mut t = touches.borrow_mut();
            let pinching = t.len() >= 2;
            t.retain(|(id, _)| *id != e.pointer_id());
            drop(t);
            if pinching {
                return;
            }
            let Some(at) = to_pointer(&e) else { return };
            let mut g = (*gesture).clone();
            emit(g.up(&scenario, at, !e.alt_key()));
            gesture.set(g);
        })
    };
    let on_wheel = {
        let (on_camera, camera, surface) = (props.on_camera.clone(), props.camera, props.surface.clone());
        Callback::from(move |e: WheelEvent| {
            let Some(p) = pointer_at(&surface, &camera, e.client_x(), e.client_y()) else { return };
            on_camera.emit(camera.zoom_at(p.screen.x, p.screen.y, (-e.delta_y() * 0.0015).exp()));
        })
    };

    Pointers { gesture, on_down, on_move, on_up, on_wheel }
}

/// Whether the space bar is held (space + drag pans), from document-level
/// key listeners.
#[hook]
fn use_space_key() -> Rc<RefCell<bool>> {
    let held = use_mut_ref(|| false);
    {
        let held = held.clone();
        use_effect_with((), move |_| {
            let listeners = web_sys::window().and_then(|w| w.document()).map(|doc| {
                let track = |kind: &'static str, down: bool| {
                    let held = held.clone();
                    gloo_events::EventListener::new(&doc, kind, move |e| {
                        use wasm_bindgen::JsCast;
                        if e.dyn_ref::<web_sys::KeyboardEvent>().is_some_and(|k| k.code() == "Space") {
                            *held.borrow_mut() = down;
                        }
                    })
                };
                (track("keydown", true), track("keyup", false))
            });
            move || drop(listeners)
        });
    }
    held
}
