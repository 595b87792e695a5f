//! The loss lab's maths: the preference-loss catalogue, the margin sweep and the toy policy it trains.

pub mod loss;
pub mod loss_sweep;
pub mod toy_policy;
