//! App state: the editing session (scenario, undo stack, selection,
//! clipboard: `editor::session`, tested natively) as a Yew reducer,
//! changed only through [`Msg`]s (one-way data flow: gesture → message →
//! reducer → render); and [`Shared`], a value the panels compare by
//! identity.

use std::rc::Rc;

use yew::prelude::*;

use crate::editor::session::Session;
use crate::model::Scenario;

/// A value the panels share that compares by identity: its owner makes a
/// new one for every change (the editor for every edit, the run for every
/// tick), so props and effects keyed on it never compare it field by field
/// (App re-renders on every pan move). By default the edited scenario.
#[derive(Debug)]
pub struct Shared<T = Scenario>(pub Rc<T>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> std::ops::Deref for Shared<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

/// The state shared by the panels: the editing session
/// (`editor::session`), behind Yew's reducer.
#[derive(Clone, Debug)]
pub struct Store(Session);

/// Everything the UI can ask of the store: a session command.
pub use crate::editor::session::Command as Msg;

impl Store {
    /// A store editing `scenario`.
    pub fn new(scenario: Scenario) -> Self {
        Store(Session::new(scenario))
    }

    /// The store with `message` shown (why a link or the autosave did not
    /// open).
    pub fn with_error(mut self, message: String) -> Self {
        self.0.handle(Msg::Error(message));
        self
    }
}

impl std::ops::Deref for Store {
    type Target = Session;

    fn deref(&self) -> &Session {
        &self.0
    }
}

impl Reducible for Store {
    type Action = Msg;

    fn reduce(self: Rc<Self>, msg: Msg) -> Rc<Self> {
        let mut next = (*self).clone();
        next.0.handle(msg);
        Rc::new(next)
    }
}
