//! The split between the canvas and the run panel: drag it (or focus it
//! and press ↑/↓) to give the charts or the drawing more room; a double
//! click puts the default back. The height is remembered in this browser.

use yew::prelude::*;

use super::storage;

/// The run panel's smallest height, px: the run bar, readouts and a chart.
const MIN_PX: f64 = 160.0;
/// Height the canvas keeps at least, header included, px.
const CANVAS_MIN_PX: f64 = 170.0;
/// One ↑/↓ key press, px.
const KEY_STEP_PX: f64 = 24.0;

/// The run panel's height chosen by the user, px (`None`: the stylesheet's
/// default), with the setter that remembers it.
#[hook]
pub fn use_run_height() -> (Option<f64>, Callback<Option<f64>>) {
    let height = use_state(storage::run_height);
    let set = {
        let height = height.clone();
        Callback::from(move |h: Option<f64>| {
            storage::set_run_height(h);
            height.set(h);
        })
    };
    (*height, set)
}

/// Props of [`Splitter`].
#[derive(Properties, PartialEq)]
pub struct SplitterProps {
    /// A new height of the run panel, px (`None`: the default).
    pub on_resize: Callback<Option<f64>>,
}

/// The window's inner height, px.
fn window_height() -> f64 {
    web_sys::window().and_then(|w| w.inner_height().ok()).and_then(|h| h.as_f64()).unwrap_or(800.0)
}

/// `h` within what leaves both panels usable in this window.
fn clamped(h: f64) -> f64 {
    h.min(window_height() - CANVAS_MIN_PX).max(MIN_PX)
}

/// The horizontal splitter (`data-testid="run-splitter"`, a WAI-ARIA
/// window splitter). The run panel reaches the bottom of the window, so
/// its height is the distance from the pointer to that bottom.
#[component]
pub fn Splitter(props: &SplitterProps) -> Html {
    let node = use_node_ref();
    // While dragging: the pointer's height over the panel's top, px (the
    // splitter moves with the pointer, not to it).
    let grab = use_mut_ref(|| None::<f64>);
    // The panel's height now: from the splitter's bottom edge to the
    // window's.
    let current = {
        let node = node.clone();
        move || {
            node.cast::<web_sys::Element>()
                .map_or(MIN_PX, |el| window_height() - el.get_bounding_client_rect().bottom())
        }
    };
    let on_down = {
        let (grab, current) = (grab.clone(), current.clone());
        Callback::from(move |e: PointerEvent| {
            e.prevent_default();
            let el: web_sys::Element = e.target_unchecked_into();
            let _ = el.set_pointer_capture(e.pointer_id());
            *grab.borrow_mut() = Some(window_height() - f64::from(e.client_y()) - current());
        })
    };
    let on_move = {
        let (grab, on_resize) = (grab.clone(), props.on_resize.clone());
        Callback::from(move |e: PointerEvent| {
            if let Some(offset) = *grab.borrow() {
                on_resize.emit(Some(clamped(window_height() - f64::from(e.client_y()) - offset)));
            }
        })
    };
    let on_up = Callback::from(move |_: PointerEvent| *grab.borrow_mut() = None);
    let on_key = {
        let (on_resize, current) = (props.on_resize.clone(), current.clone());
        Callback::from(move |e: KeyboardEvent| {
            let step = match e.key().as_str() {
                "ArrowUp" => KEY_STEP_PX,
                "ArrowDown" => -KEY_STEP_PX,
                _ => return,
            };
            e.prevent_default();
            on_resize.emit(Some(clamped(current() + step)));
        })
    };
    let on_reset = props.on_resize.reform(|_: MouseEvent| None);
    // A splitter's value is its position: the panel's height, px, read
    // from the page after each render (the default comes from the
    // stylesheet).
    {
        let node = node.clone();
        use_effect(move || {
            if let Some(el) = node.cast::<web_sys::Element>() {
                let _ = el.set_attribute("aria-valuenow", &format!("{:.0}", current()));
                let _ = el.set_attribute("aria-valuemax", &format!("{:.0}", window_height() - CANVAS_MIN_PX));
            }
        });
    }
    html! {
        <div ref={node} class="splitter" data-testid="run-splitter" role="separator" aria-orientation="horizontal"
             aria-label="Resize the run panel" tabindex="0" aria-valuemin={MIN_PX.to_string()}
             title="Drag (or focus and press ↑/↓) to resize the run panel; double-click for the default size"
             onpointerdown={on_down} onpointermove={on_move} onpointerup={on_up.clone()} onpointercancel={on_up}
             onkeydown={on_key} ondblclick={on_reset}></div>
    }
}
