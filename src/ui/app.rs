//! The application shell: header, palette, canvas, inspector, run panel.

use std::rc::Rc;

use yew::prelude::*;

use crate::model::Scenario;

use super::run::use_run;
use super::{canvas::Canvas, header::Header, inspector::Inspector, palette::Palette, run_panel::RunPanel};

/// The scenario the app opens with until the editor and presets land.
const STARTER: &str = include_str!("../../scenarios/three-tier.json");

/// Root component mounted by `main`.
#[component]
pub fn App() -> Html {
    let scenario = use_memo((), |_| Scenario::from_json(STARTER).map(Rc::new));
    match &*scenario {
        Ok(scenario) => html! { <Workspace scenario={scenario.clone()} /> },
        Err(e) => html! {
            <div class="app">
                <Header title="" />
                <div class="error-banner" data-testid="error-banner" role="alert">{ e.to_string() }</div>
            </div>
        },
    }
}

/// Props of [`Workspace`].
#[derive(Properties, PartialEq)]
struct WorkspaceProps {
    scenario: Rc<Scenario>,
}

/// The panels around one scenario and its run.
#[component]
fn Workspace(props: &WorkspaceProps) -> Html {
    let run = use_run(props.scenario.clone());
    html! {
        <div class="app">
            <Header title={props.scenario.title.clone()} />
            <Palette />
            <Canvas scenario={props.scenario.clone()} nodes={run.readouts.nodes.clone()} />
            <Inspector />
            <RunPanel run={run} />
        </div>
    }
}
