//! The loss lab (`?page=loss`; scenario (9) at `?scenario=9`): the
//! catalogue's losses and gradient weights plotted against the implicit
//! reward margin, and a toy policy trained with any of them.
//!
//! Pure parts are tested natively: the explain panels (`catalogue`), the
//! curves (`curves`), the runs (`runs`); `page` is the component.

pub mod catalogue;
pub mod curves;
mod page;
pub mod runs;

pub use page::LossLab;
