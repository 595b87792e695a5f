//! The loss lab (`?page=loss`; scenario (9) at `?scenario=9`): the
//! catalogue's losses and gradient weights plotted against the implicit
//! reward margin, and toy policies trained with any of them in the
//! worker (`Job::Policy`), their metrics streamed back as they train.
//!
//! Pure parts are tested natively: the explain panels (`catalogue`), the
//! curves (`curves`), the runs and the training job (`runs`). The
//! components: `page` (the root), `explorer`, `trainer`, `comparison`,
//! `fields`; `state` is what they share.

pub mod catalogue;
mod comparison;
pub mod curves;
pub(crate) mod explorer;
mod fields;
mod page;
pub mod runs;
pub(crate) mod state;
pub(crate) mod trainer;

pub use page::LossLab;
