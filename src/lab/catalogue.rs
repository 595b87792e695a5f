//! The explain panel of each loss: what it is, what it fixes, its paper.

use prefplay_core::labs::loss::LossKind;

/// A loss's explain panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Explain {
    /// Display name.
    pub title: &'static str,
    /// The paper (authors, year) the formula comes from.
    pub paper: &'static str,
    /// Two or three sentences in plain words.
    pub text: &'static str,
}

/// The explain panel of `kind`.
pub fn explain(kind: LossKind) -> Explain {
    let (title, paper, text) = match kind {
        LossKind::Sigmoid => (
            "DPO (sigmoid; cDPO with label smoothing)",
            "Rafailov et al. 2023; Mitchell 2023 (cDPO)",
            "Fits a Bradley–Terry model whose reward is β times the log-ratio to the reference. The push on a pair fades as its margin grows but never stops, so with few pairs the policy drifts towards deterministic choices. Label smoothing ε assumes a share ε of labels is flipped and stops the push at a finite margin.",
        ),
        LossKind::Robust => (
            "Robust DPO (rDPO)",
            "Chowdhury et al. 2024",
            "Corrects DPO for labels flipped with a known rate ε: its expected value under the noise equals the clean DPO loss. Unlike cDPO it keeps pushing in the direction of the clean labels; the loss can be negative.",
        ),
        LossKind::ExoPair => (
            "EXO (pairwise)",
            "Ji et al. 2024",
            "Minimises the reverse KL from the model's preference probability to the smoothed label, which is mode-seeking rather than DPO's mean-seeking forward KL. ε defaults to 1e-3 when no smoothing is given.",
        ),
        LossKind::Hinge => (
            "SLiC (hinge)",
            "Zhao et al. 2023",
            "A hinge on the margin: pairs already separated by 1/β nats give no gradient at all, so training stops by itself. Every pair not yet separated gets the same push β, however wrong it is.",
        ),
        LossKind::Ipo => (
            "IPO",
            "Azar et al. 2023",
            "Regresses the margin to 1/(2β) instead of pushing it to infinity, so the policy stays near the reference even with few, deterministic preferences. That failure of DPO is what IPO was made to fix.",
        ),
        LossKind::BcoPair => (
            "BCO (pairwise)",
            "Jung et al. 2024",
            "Trains a binary classifier: chosen responses' rewards above a baseline δ, rejected ones below. δ is the batch's mean reward (TRL keeps a running mean), held fixed in the gradient.",
        ),
        LossKind::SppoHard => (
            "SPPO (hard labels)",
            "Wu et al. 2024",
            "Self-play preference optimisation: regresses the chosen log-ratio to +1/(2β) and the rejected one to −1/(2β) separately. It controls both likelihoods, not just their difference.",
        ),
        LossKind::NcaPair => (
            "NCA (pairwise)",
            "Chen et al. 2024",
            "Noise-contrastive alignment scores each response on its own rather than the pair's difference. That keeps the chosen response's likelihood from falling (DPO's likelihood displacement).",
        ),
        LossKind::Aot => (
            "AOT",
            "Melnyk et al. 2024",
            "Alignment via optimal transport: compares the sorted policy margins with the sorted reference margins across the batch. It asks for stochastic dominance of the whole margin distribution rather than a win on every pair.",
        ),
        LossKind::AotPair => (
            "AOT (pair)",
            "Melnyk et al. 2024",
            "Like AOT, but makes the distribution of chosen log-ratios dominate that of rejected log-ratios across the batch. Each is sorted on its own, so pairs are not matched.",
        ),
        LossKind::ApoZero => (
            "APO-zero",
            "D'Oosterlinck et al. 2024",
            "Anchored preference optimisation: raises the chosen likelihood and lowers the rejected one, each relative to the reference. For when chosen responses are better than what the model already writes.",
        ),
        LossKind::ApoDown => (
            "APO-down",
            "D'Oosterlinck et al. 2024",
            "Lowers the chosen likelihood while widening the margin. It is for data whose chosen responses are still worse than what the model writes.",
        ),
        LossKind::Discopop => (
            "DiscoPOP",
            "Chris Lu et al. 2024",
            "A loss found by an LLM-driven search: a mix of DPO's logistic loss and an exponential loss, switched by σ(βh/τ). Non-convex; the gradient weight rises again for negative margins.",
        ),
        LossKind::Simpo => (
            "SimPO",
            "Meng et al. 2024",
            "No reference model: the reward is the average per-token log-probability times β, with a target margin γ. Averaging removes the bias towards long responses that summed log-probabilities have.",
        ),
        LossKind::Cpo => (
            "CPO",
            "Xu et al. 2024",
            "Contrastive preference optimisation: DPO's logistic loss on the policy's own log-probabilities, with no reference model. An NLL term weighted α keeps the chosen response likely.",
        ),
        LossKind::Orpo => (
            "ORPO",
            "Hong et al. 2024",
            "Odds-ratio preference optimisation: supervised fine-tuning on the chosen response plus λ times a log-sigmoid of the log odds ratio of chosen over rejected. It needs no reference model and one training stage.",
        ),
        LossKind::Kto => (
            "KTO",
            "Ethayarajh et al. 2024",
            "Needs only thumbs up or down per response, not pairs. A prospect-theory value around a reference point z₀ (the batch's KL estimate), with separate weights for desirable and undesirable responses.",
        ),
        LossKind::Dro => (
            "DRO",
            "Richemond et al. 2024",
            "Direct reward optimisation learns from single responses with a scalar reward. A squared loss makes β times the log-ratio match the reward minus a value baseline.",
        ),
        LossKind::Bt => (
            "Bradley–Terry reward model",
            "Ouyang et al. 2022 (InstructGPT)",
            "The loss of a separate reward model: −log σ(r(chosen) − r(rejected)). DPO is this loss with the reward written as the policy's log-ratio.",
        ),
    };
    Explain { title, paper, text }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_loss_has_a_panel_of_two_to_four_sentences() {
        for kind in LossKind::ALL {
            let e = explain(kind);
            let sentences = e.text.matches(". ").count() + 1;
            assert!((2..=4).contains(&sentences), "{}: {sentences}", kind.name());
            assert!(e.paper.contains("20"), "{}", kind.name());
        }
    }
}
