//! The playground's glue: what the page's menus and charts ask of the maths — ballots to model input (`collect`), the model menu (`model_choice`), the race of selection strategies and BT refitted as votes arrive (`trajectory`).

pub mod collect;
pub mod model_choice;
pub mod race;
pub mod trajectory;
