use super::*;

fn settings(mode: Mode, strategy: StrategyChoice) -> Settings {
    Settings {
        mode,
        strategy,
        ..Settings::default()
    }
}

fn ballot(observation: Observation) -> Ballot {
    Ballot {
        id: String::new(),
        participant: 0,
        prompt: None,
        time_ms: 0.0,
        observation,
    }
}

#[test]
fn each_mode_gets_its_kind_of_task() {
    let mut c = Chooser::new(1);
    let s = |m| settings(m, StrategyChoice::Balanced);
    assert!(matches!(
        c.next(5, &s(Mode::Pair), None, &[], 0),
        Some((Task::Pair(..), _))
    ));
    let (task, why) = c.next(5, &s(Mode::BestOf), None, &[], 0).unwrap();
    assert_eq!(task.items().len(), 4, "default k = 4");
    assert!(why.contains("2 least-shown"), "{why}");
    let mut distinct = task.items();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct.len(), 4);
    assert!(matches!(
        c.next(5, &s(Mode::Likert), None, &[], 0),
        Some((Task::One(_), _))
    ));
    assert!(c.next(1, &s(Mode::Pair), None, &[], 0).is_none());
    // k is capped by the deck size.
    let (task, _) = c.next(3, &s(Mode::Ranking), None, &[], 0).unwrap();
    assert_eq!(task.items().len(), 3);
}

#[test]
fn actions_become_observations_only_for_their_task() {
    let pair = Task::Pair(2, 0);
    assert_eq!(
        pair.observe(&Action::Pair(Outcome::BothBad)),
        Some(Observation::Pair {
            left: 2,
            right: 0,
            outcome: Outcome::BothBad
        })
    );
    assert_eq!(pair.observe(&Action::Likert(3)), None);
    let several = Task::Several(vec![4, 1, 3]);
    assert_eq!(
        several.observe(&Action::Choose(1)),
        Some(Observation::BestOf {
            shown: vec![4, 1, 3],
            chosen: 1
        })
    );
    assert_eq!(several.observe(&Action::Choose(3)), None);
    assert_eq!(several.observe(&Action::Rank(vec![3, 4])), None);
    assert!(several.observe(&Action::Rank(vec![3, 4, 1])).is_some());
}

#[test]
fn single_item_modes_go_to_the_least_rated_item() {
    let mut c = Chooser::new(3);
    let s = settings(Mode::Thumb, StrategyChoice::InformationGain);
    let ballots = vec![
        ballot(Observation::Thumb { item: 0, up: true }),
        ballot(Observation::Likert { item: 1, score: 2 }),
    ];
    let (task, why) = c.next(3, &s, None, &ballots, 0).unwrap();
    assert_eq!(task, Task::One(2));
    assert!(why.contains("not rated"), "{why}");
    // Another participant has rated nothing yet; ties are random.
    let (task, _) = c.next(3, &s, None, &ballots, 1).unwrap();
    assert!(matches!(task, Task::One(0..=2)));
}

#[test]
fn strategies_explain_themselves_and_fall_back_without_a_fit() {
    let mut c = Chooser::new(5);
    let s = settings(Mode::Pair, StrategyChoice::InformationGain);
    let (_, why) = c.next(4, &s, None, &[], 0).unwrap();
    assert!(why.starts_with("No fit yet"), "{why}");
    let mut e = Estimates {
        scores: vec![2.0, 1.0, 0.9, -3.0],
        standard_errors: Some(vec![0.1, 0.5, 0.5, 0.1]),
        link: Link::Logit,
        model: "Bradley–Terry, ties as half wins".into(),
    };
    let (task, why) = c.next(4, &s, Some(&e), &[], 0).unwrap();
    let mut items = task.items();
    items.sort_unstable();
    assert_eq!(items, vec![1, 2], "the uncertain close pair");
    assert!(why.contains("nats"), "{why}");
    let gain: f64 = why
        .split("expected information gain ")
        .nth(1)
        .and_then(|w| w.split(' ').next())
        .and_then(|g| g.parse().ok())
        .unwrap();
    assert!(gain > 0.01, "{why}");
    let ucb = settings(Mode::Pair, StrategyChoice::Ucb);
    let (_, why) = c.next(4, &ucb, Some(&e), &[], 0).unwrap();
    assert!(why.contains("top-3"), "{why}");
    // Thurstone's scores are on the probit scale: its own P(left wins).
    e.link = Link::Probit;
    let uncertain = settings(Mode::Pair, StrategyChoice::MostUncertain);
    let (task, why) = c.next(4, &uncertain, Some(&e), &[], 0).unwrap();
    let p = if task.items()[0] == 1 { 0.540 } else { 0.460 };
    assert!(why.contains(&format!("{p:.2}")), "{why}");
}

#[test]
fn a_model_without_standard_errors_falls_back_and_says_why() {
    let mut c = Chooser::new(6);
    let e = Estimates {
        scores: vec![0.5, 0.0, -0.5],
        standard_errors: None,
        link: Link::Logit,
        model: "Elo, K = 16".into(),
    };
    let s = settings(Mode::Pair, StrategyChoice::InformationGain);
    let (_, why) = c.next(3, &s, Some(&e), &[], 0).unwrap();
    assert!(why.starts_with("Elo gives no standard errors"), "{why}");
    assert!(why.contains("least-shown"), "{why}");
    let uncertain = settings(Mode::Pair, StrategyChoice::MostUncertain);
    let (_, why) = c.next(3, &uncertain, Some(&e), &[], 0).unwrap();
    assert!(why.starts_with("The closest predicted match"), "{why}");
}

#[test]
fn undo_shows_the_same_items_again() {
    let o = Observation::BestOf {
        shown: vec![2, 0, 1],
        chosen: 0,
    };
    assert_eq!(Task::of(&o), Task::Several(vec![2, 0, 1]));
}

#[test]
fn the_pair_just_voted_on_is_not_shown_again_at_once() {
    let mut c = Chooser::new(11);
    let s = settings(Mode::Pair, StrategyChoice::InformationGain);
    // Items 0 and 1 are close and uncertain: the most informative pair,
    // vote after vote.
    let e = Estimates {
        scores: vec![0.0, 0.0, 4.0, -4.0],
        standard_errors: Some(vec![1.0, 1.0, 0.2, 0.2]),
        link: prefplay_core::models::pairwise::Link::Logit,
        model: "Bradley–Terry".into(),
    };
    let mut ballots = Vec::new();
    for _ in 0..6 {
        let (task, _) = c.next(4, &s, Some(&e), &ballots, 0).unwrap();
        let Task::Pair(a, b) = task else {
            panic!("{task:?}")
        };
        if let Some(Observation::Pair { left, right, .. }) =
            ballots.last().map(|b: &Ballot| b.observation.clone())
        {
            assert!(
                (a.min(b), a.max(b)) != (left.min(right), left.max(right)),
                "the same pair twice running"
            );
        }
        ballots.push(ballot(Observation::Pair {
            left: a,
            right: b,
            outcome: Outcome::A,
        }));
    }
}
