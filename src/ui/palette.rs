//! The component palette: every kind, grouped, with icon and name.

use yew::prelude::*;

use crate::model::{ComponentGroup, KINDS};

use super::icons::kind_icon;

const GROUPS: [ComponentGroup; 5] = [
    ComponentGroup::Traffic,
    ComponentGroup::Edge,
    ComponentGroup::Compute,
    ComponentGroup::Data,
    ComponentGroup::Messaging,
];

/// Left sidebar listing the component kinds.
#[component]
pub fn Palette() -> Html {
    let groups = GROUPS.iter().filter_map(|&group| {
        let kinds: Vec<_> = KINDS.iter().filter(|k| k.group == group).collect();
        (!kinds.is_empty()).then(|| {
            html! {
                <section class="palette-group" key={group.title()}>
                    <h3>{ group.title() }</h3>
                    { for kinds.into_iter().map(|k| html! {
                        <div class="palette-item" key={k.name} title={k.summary}
                             data-testid={format!("palette-{}", k.name)}>
                            { kind_icon(k.name) }
                            <span>{ k.title }</span>
                        </div>
                    }) }
                </section>
            }
        })
    });
    html! {
        <aside class="palette" aria-label="Components">
            <h2>{ "Components" }</h2>
            { for groups }
        </aside>
    }
}
