"""The paper's claims that each chapter tests, with how the chapter words what it measured (chapters 1-6).

:data:`CLAIMS` holds, per chapter, the rows of its closing "What reproduces" table. Each field of
a :class:`Claim` is a template: its ``{...}`` parts are Python expressions, as in an f-string,
over the names the chapter's notebook computed (and :data:`mem.report.HELPERS`).
:func:`mem.report.what_reproduces` fills them in; numbers are never typed into the text, and the
verdicts that depend on a measurement state their criterion here.
"""
from __future__ import annotations

from typing import NamedTuple

__all__ = ["CLAIMS", "Claim"]


class Claim(NamedTuple):
    """One row of a "What reproduces" table: the paper's claim, what the chapter measured, the verdict
    (templates; chapters 1-6)."""

    paper: str
    measured: str
    verdict: str


#: ``{chapter: [Claim, ...]}``, the rows of each chapter's "What reproduces" table, in order.
CLAIMS = {
    1: [  # chapter 1, the task
        Claim("Inputs: MNIST digits (28×28 = 784 pixels) plus a trigger input",
              "scikit-learn 8×8 digits: {P} pixels + trigger = {task.input_size} inputs; "
              "{n_train} train / {n_test} test images",
              "Scaled down (different, smaller images)"),
        Claim("One image frame, then noise frames until the trigger",
              "noise i.i.d. Normal({data.noise_mean:.3f}, {data.noise_std:.3f}) per pixel, "
              "the training pixels' mean and std",
              "Same rule as the authors' code (there: MNIST's pixel mean and standard deviation)"),
        Claim("Trial length T_max = 20, delays 4–19",
              "T = {T}, δ_min = {task.delta_min}; delays {int(delay.min())}–{int(delay.max())} "
              "in {N} sampled trials",
              "Same"),
        Claim("Output null at every step except the report; the digit at the trigger",
              "{task.n_outputs} outputs (null + 10 digits); exactly one non-null target "
              "in each of {N} trials",
              "Same"),
        Claim("Timing of image and trigger (not stated in the paper; the authors' code draws t_read, then "
              "t_report, each uniformly)",
              "t_read uniform on 0..{T - 1 - task.delta_min}, t_report uniform after it: "
              "P(delay = {task.delta_min}) = {exact['delay'][task.delta_min]:.3f}, P(delay "
              "= {T - 1}) = {exact['delay'][T - 1]:.4f}, mean delay {mean_delay:.2f}",
              "Same as the authors' code"),
        Claim("Report step weighted in the loss (the authors' code: weight T at the report step, 1 at the "
              "others)",
              "report weight T = {T}: report step carries {share['uniform', 'task loss']:.0%} "
              "of an untrained network's loss ({share['uniform', 'weights 1']:.0%} unweighted)",
              "Same as the authors' code"),
        Claim("Memory tested at delays far beyond the trained ones",
              "probe trials of {probe.x.shape[1]} frames, image at t = 0, trigger added "
              "at each of {len(d)} delays {d.min()}–{d.max()}",
              "Set up here; measured in chapter 2"),
    ],
    2: [  # chapter 2, training protocols
        Claim("GRU and LSTM trained with DeCu and VoCu (several seeds each) reach similar "
              "high report accuracy at the trained delays (T_max = 20, delays 4–19)",
              "all {len(report)} networks (NaCu included): {acc_lo:.3f}–{acc_hi:.3f} on "
              "held-out digits (logistic regression on the images: {static_acc:.3f}); 8×8 "
              "digits, {' and '.join(str(h) for h in sorted({e.config['hidden_size'] for e in zoo.values()}))} units",
              '{"yes" if acc_lo > 0.9 and acc_hi - acc_lo < 0.05 else "no"}'),
        Claim("Accuracy at longer delays (20 → 100 → 1000 steps of noise) separates the "
              "networks",
              "lifetimes {life_lo:.0f}–{life_hi:.0f} steps (×{life_ratio:.1f}); accuracy "
              "at d = 200: {min(c.at(200) for c in curves.values()):.2f}–{max(c.at(200) for c "
              "in curves.values()):.2f}",
              '{"yes" if life_ratio > 2 else "no"}'),
        Claim("DeCu extrapolates better than VoCu (secondary source; the paper's own numbers "
              "are unknown to us)",
              '{"; ".join(f"{GROUP[g]}: VoCu / DeCu ×{tests.pair(g, \'vocu\', \'decu\').ratio:.2f} [95% CI '
              '{tests.pair(g, \'vocu\', \'decu\').ci[0]:.2f}, {tests.pair(g, \'vocu\', \'decu\').ci[1]:.2f}], '
              'Holm p = {tests.pair(g, \'vocu\', \'decu\').p_holm:.3f}" for g in groups) + f" (exact permutation '
              'tests, {len(seeds[archs[0]])} seeds per 64-unit cell, {len(seeds[groups[-1]])} per 128-unit cell)"}',
              '{"no: VoCu outlasts DeCu" if all(tests.pair(g, "vocu", "decu").significant and tests.pair(g, "vocu", '
              '"decu").ratio > 1 for g in archs) else "yes" if all(tests.pair(g, "vocu", "decu").significant and '
              'tests.pair(g, "vocu", "decu").ratio < 1 for g in archs) else "not resolved at 64 units"}'),
        Claim("The protocol, not the seed, sets how far memory extrapolates (implied by "
              "the claim above)",
              '{"; ".join(f"{GROUP[g]}: protocol explains {tests.eta2[g]:.0%} of the variance of log lifetime '
              '(permutation p = {tests.p_condition[g]:.3f}), " + (\' > \'.join(PRETTY[p] for p in tests.order[g])) '
              '+ f", {len(tests.resolved(g))} of {len(protocols) - 1} steps resolved: {tests.verdict(g)}" '
              'for g in groups)}',
              '{"yes" if all(tests.verdict(g) == "yes" for g in archs) else "partly" if any(tests.verdict(g) != "no" '
              'for g in archs) else "no"} at 64 units (6 seeds; rule: permutation test of the protocol, then every '
              'step of the ordering significant after Holm); at 128 units ({len(seeds[groups[-1]])} seeds) no '
              'pair can be resolved (exact p >= {tests.pair(groups[-1], "vocu", "decu").p_floor:.1f})'),
        Claim("(Beyond the paper's claims; it trained on MNIST and CIFAR-10) the protocols' effects on memory carry "
              "over to a second dataset",
              'MNIST-1D, the same recipe and seeds at 64 units: {"; ".join(f"{GROUP[g]}: protocol explains '
              '{m1d_tests.eta2[g]:.0%} (p = {m1d_tests.p_condition[g]:.2f}), " + (\' > \'.join(PRETTY[p] for p in '
              'm1d_tests.order[g])) for g in archs)}; of the {int(carry.significant.sum())} pairs the digits resolve, '
              '{int((carry.significant & (carry.agreement == "same direction")).sum())} point the same way on MNIST-1D '
              'and {int((carry.significant & (carry.agreement == "opposite direction")).sum())} the opposite way, '
              '{int((carry.significant & carry.other_significant).sum())} resolved there',
              '{"no" if not (carry.agreement == "confirmed").any() else "partly"}: no ordering is confirmed (nor '
              'contradicted) on MNIST-1D; the LSTMs\' DeCu is last on both datasets, the GRUs\' VoCu lead is gone'),
    ],
    3: [  # chapter 3, slow points
        Claim("A slow point exists for each digit, near that digit's memory cloud, and "
              "the read-out from it still decodes the digit",
              "all {len(ALL)} 64-unit zoo networks: a point for each of the 10 digits; "
              "it reports its own digit in {format_range(own_zoo.values())} of 10 cases; "
              "nearest to its own digit's cloud in {format_range(nearest_own.values())} "
              "of 10 ({', '.join(NETS)}); LSTMs need S on [h, tanh c] (on [h, c]: {own_full}/10 "
              "report their digit)",
              "yes"),
        Claim("The points are slow points found by minimising the speed (implied: places "
              "where the dynamics nearly stop)",
              "none is fixed or stationary after 2000 Adam steps; Newton (200 its) converges "
              "{sum(int(newton[n].converged.sum()) for n in gru_nets)}/{10 * len(gru_nets)} "
              "GRU points; under the mean input {decu} and {lstm} drain to one fixed point "
              "(|λ|max {drift[decu].end.max_abs_eigenvalue().max():.4f}, {drift[lstm].end.max_abs_eigenvalue("
              ").max():.4f}) reporting one digit; {vocu} still moves after {T_LONG} steps",
              "partly: they are stopping places of a fixed-budget search on a flat slow "
              "manifold, not points"),
        Claim("Slow-point speeds differ by orders of magnitude across networks",
              "median speeds span {span['adam']:.1f} decades over {len(ALL)} networks after 2000 Adam steps, "
              "{span['paper']:.1f} after the authors' 100,000; the authors' budget lowers them by "
              "{gain['paper'].min():.1f}–{gain['paper'].max():.1f} decades, 200 Newton iterations by "
              "{gain['newton'].min():.1f}–{gain['newton'].max():.1f}; Spearman between the two Adam budgets' "
              "rankings {agree['adam', 'paper']:+.2f}",
              "partly: one to two decades, and budget-dependent"),
        Claim("Slower points go with longer memory (chapter 4 tests this properly)",
              "Spearman with lifetime, n = {len(keys)} (GRU, LSTM: n = {len(keys) // 2} each): Adam 2000 "
              "{rho['adam']['all'].r:+.2f} ({rho['adam']['gru'].r:+.2f}, {rho['adam']['lstm'].r:+.2f}); the authors' "
              "budget {rho['paper']['all'].r:+.2f} ({rho['paper']['gru'].r:+.2f}, {rho['paper']['lstm'].r:+.2f}); "
              "Newton 200 {rho['newton']['all'].r:+.2f} ({rho['newton']['gru'].r:+.2f}, "
              "{rho['newton']['lstm'].r:+.2f}); log|λ|max {rho['lam_adam']['all'].r:+.2f} (p = "
              "{rho['lam_adam']['all'].p:.0e}; {rho['lam_adam']['gru'].r:+.2f}, {rho['lam_adam']['lstm'].r:+.2f})",
              "preview only: yes at either Adam budget, but for different architectures; best for log|λ|max"),
        Claim("Formation: slow points jump when VoCu introduces a class and evolve smoothly "
              "under DeCu",
              "DeCu: all 10 digits' points by step {max(first_seen[decu].values())}; VoCu: "
              "they appear stage by stage; movement per 100 steps in intervals with vs "
              "without a stage start, relative to the trend: VoCu ×{compare[vocu]['jump']:.2f} "
              "(p = {compare[vocu]['p_local']:.2f}), DeCu ×{compare[decu]['jump']:.2f} "
              "(p = {compare[decu]['p_local']:.2f}); smallest of the {len(tests)} such p-values, Holm-corrected: "
              "{p_holm:.2f}; VoCu points move {vocu_vs_decu:.1f}× as far as DeCu's overall (p = {between.pvalue:.3f})",
              "partly: staged formation and more movement under VoCu; jumps at new digits "
              "{'established' if p_holm < 0.05 else 'only hinted (not significant after the Holm correction)'}"),
    ],
    4: [  # chapter 4, speed predicts memory
        Claim("Slow-point speed (log scale) correlates negatively with long-delay memory "
              "across networks (the paper's coefficient is not known to us)",
              "Spearman with log lifetime, n = {len(df)}: Adam speed after 2,000 steps {format_ci(r_of['adam', "
              "'all', 'spearman'])}, after the authors' 100,000 {format_ci(r_of['paper', 'all', 'spearman'])}; "
              "drift speed {format_ci(r_of['drift', 'all', 'spearman'])}; log|λ|max at the 2,000-step points "
              "{format_ci(r_of['lam_adam', 'all', 'spearman'])}; Newton speed {format_ci(r_of['newton', 'all', "
              "'spearman'])}",
              "{'; '.join(f'{MEASURE_LABELS[m]}: {verdict_all[m]}' for m in ('adam', 'paper', 'drift', 'lam_adam', "
              "'newton'))} (negative: the 95% interval lies below 0)"),
        Claim("... across protocols and architectures",
              "partial on architecture and size: {MEASURE_LABELS[best]} {format_ci(partial[best])} "
              "(p = {partial[best].p:.0e}); Adam speed after 2,000 steps {format_ci(partial['adam'])}, after "
              "100,000 {format_ci(partial['paper'])}. Controlling for size, within GRUs: 2,000 steps "
              "{format_ci(r_of['adam', 'gru | size', 'spearman'])}, 100,000 {format_ci(r_of['paper', 'gru | size', "
              "'spearman'])}; within LSTMs: {format_ci(r_of['adam', 'lstm | size', 'spearman'])}, "
              "{format_ci(r_of['paper', 'lstm | size', 'spearman'])}",
              "yes, for every measure but the Newton speed, once architecture and size are partialled out; within "
              "an architecture the paper's measure depends on its budget (the verdict changes, and the two budgets "
              "differ, in: {', '.join(depends['adam', 'paper'])})"),
        Claim("... across datasets (the paper: MNIST and CIFAR-10)",
              "64-unit networks, Spearman with log lifetime, partial on architecture, digits / MNIST-1D (36 each): "
              "drift speed {format_ci(drift_d)} / {format_ci(drift_1d)}; Adam speed after 2,000 steps "
              "{format_ci(x_of['adam', 'digits | arch'])} / {format_ci(x_of['adam', 'mnist1d | arch'])}, after "
              "100,000 {format_ci(x_of['paper', 'digits | arch'])} / {format_ci(x_of['paper', 'mnist1d | arch'])}; "
              "pooled over both, partial on dataset and architecture: drift {format_ci(pooled_d)}. Within MNIST-1D "
              "networks, class by class: drift median r {within_1d['drift']['median_r']:+.2f} (Wilcoxon p = "
              "{within_1d['drift']['wilcoxon_p']:.0e}), Adam speed {within_1d['adam']['median_r']:+.2f} (p = "
              "{within_1d['adam']['wilcoxon_p']:.0e})",
              "{'no' if not neg['mnist1d'] else 'partly'} across networks: on MNIST-1D {len(neg['mnist1d'])} of "
              "{len(MEASURES)} measures have an interval below 0 (on the digits {len(neg['digits'])}); within "
              "networks, class by class, yes on both datasets"),
        Claim("(Method) the authors' search budget (100,000 Adam steps) finds the slow points and their speed",
              "per network, the authors' budget ends {shift['all', 'adam', 'paper'].median:+.2f} "
              "[{shift['all', 'adam', 'paper'].ci_low:+.2f}, {shift['all', 'adam', 'paper'].ci_high:+.2f}] decades "
              "from 2,000 steps (lower in {shift['all', 'adam', 'paper'].n_lower}/{len(df)}), at S < 1e-10 for "
              "{int(fixed['paper'].sum())}/{len(ct)} digits; 200 Newton iterations end "
              "{shift['gru', 'paper', 'newton'].median:+.2f} [{shift['gru', 'paper', 'newton'].ci_low:+.2f}, "
              "{shift['gru', 'paper', 'newton'].ci_high:+.2f}] decades from it in the GRUs, "
              "{shift['lstm', 'paper', 'newton'].median:+.2f} [{shift['lstm', 'paper', 'newton'].ci_low:+.2f}, "
              "{shift['lstm', 'paper', 'newton'].ci_high:+.2f}] in the LSTMs",
              "partly: it gets further than 2,000 steps, but converges for no digit, and where it stops "
              "depends on the architecture"),
        Claim("(Implied) the relationship reflects the slow dynamics near each memory",
              "within networks, digit by digit: drift speed median r {within['drift']['median_r']:+.2f}, "
              "negative in {within['drift']['n_negative']}/{within['drift']['n_networks']} "
              "networks (p = {within['drift']['wilcoxon_p']:.0e}); Adam speed {within['adam']['median_r']:+.2f} "
              "after 2,000 steps, {within['paper']['median_r']:+.2f} after 100,000",
              "yes, weakly, and mostly for the drift speed"),
    ],
    5: [  # chapter 5, speed regularisation
        Claim("Fine-tuning with the speed penalty at the slow points raises long-delay "
              "accuracy relative to the λ = 0 Control fine-tune",
              "{len(NETS)} networks, 500 steps, λ = 1000: accuracy at delay 500 above Control "
              "by {format_range([gain[n] for n in nets['gru']], '.2f', ' to ')} (GRUs) "
              "and {format_range([gain[n] for n in nets['lstm']], '.2f', ' to ')} (LSTMs); "
              "lifetime grows with λ up to 1000 in every network. All {len(ALL_NETS)} networks of the sweep "
              "(DeCu, VoCu, 128 units too): lifetime SlowPoints / Control "
              "{format_range(per_net['SlowPoints / Control'], '.1f', ' to ')}, above ×{MARGIN} in "
              "{signs['slowpoints beats control'][0]} of {len(ALL_NETS)} (one-sided sign test p = "
              "{signs['slowpoints beats control'][2]:.3f})",
              "{'yes' if signs['slowpoints beats control'][0] == len(ALL_NETS) else 'in ' + str(signs['slowpoints "
              "beats control'][0]) + ' of ' + str(len(ALL_NETS)) + ' networks'}; strongly for GRUs, moderately for "
              "LSTMs"),
        Claim("... and keeps trained-delay accuracy",
              "largest change against Control at any λ: {max(cost.values()):.3f} (tolerance "
              "{TOL})",
              "yes"),
        Claim("... and lowers the speeds",
              "at the penalised points ×{format_range(old_speed.values(), '.2f', ' to ')} "
              "(λ = 1000); at the fine-tuned network's own slow points (the paper's search) "
              "×{format_range(own_speed.values(), '.2f', ' to ')}",
              "at the penalised points yes; freshly found points change less"),
        Claim("The λ = 0 Control: fine-tuning alone does not lengthen memory",
              "lifetime Control / before, {len(ALL_NETS)} networks: {format_range(per_net['Control / before'], "
              "'.2f', ' to ')}; longer by more than ×{MARGIN} in {len(helped)} ({', '.join(helped)}), shorter "
              "in {len(hurt)}",
              "{'yes' if not helped else ('yes for the ' + str(len(NETS)) + ' networks swept over λ; not in general'"
              " if not set(helped) & set(NETS) else 'no') + ': it lengthens memory in ' + str(len(helped)) + ' of ' "
              "+ str(len(ALL_NETS)) + ' networks'}"),
        Claim("CenterMass (penalty at the class means) also works",
              "lifetime, CenterMass / SlowPoints at λ = 1000: GRUs {format_range([cm_sp[n] for n in ALL_NETS if "
              "arch[n] == 'gru'], '.2f', ' to ')}, LSTMs {format_range([cm_sp[n] for n in ALL_NETS if arch[n] == "
              "'lstm'], '.2f', ' to ')} ({len(ALL_NETS)} networks; the two NaCu LSTMs' memory ends shorter "
              "than before)",
              "for GRUs yes; for LSTMs no (in {sum(cm_sp[n] < 1 / MARGIN for n in ALL_NETS if arch[n] == 'lstm')} "
              "of {sum(arch[n] == 'lstm' for n in ALL_NETS)})"),
        Claim("(The authors' code) λ = 0.001 on the speed at 10 fresh noise frames per point, "
              "5000 Adam steps at learning rate 1e-5",
              "their penalty is {format_range(conv, '.2g', ' to ')} times ours at the slow points (their λ "
              "weighs it like our λ = {format_range(AU['lam'] * conv, '.0f', ' to ')}), almost all of it "
              "the noise's push; lifetime SlowPoints / Control: their recipe "
              "{format_range(by_recipe['authors'], '.2f', ' to ')}, their penalty with our 500 steps "
              "{format_range(by_recipe['authors-penalty'], '.2f', ' to ')}, ours at λ = 1000 "
              "{format_range(by_recipe['ours'], '.2f', ' to ')}",
              "{'no' if max(by_recipe['authors']) <= MARGIN else 'barely'} with their settings at this scale "
              "(beyond ×{MARGIN} in {int((by_recipe['authors'] > MARGIN).sum())} of {len(NETS)} networks)"),
        Claim("(Implementation) an LSTM's speed on [h, tanh c] (the authors' code) or on [h, c]",
              "lifetime with [h, c] / with [h, tanh c], SlowPoints at λ = 100 and 1000 on {len(set(states.index."
              "get_level_values(0)))} LSTMs: {format_range(full_vs_paper, '.2f', ' to ')}",
              "{'the paper’s choice is at least as good' if full_vs_paper.max() < MARGIN else 'mixed'}"),
        Claim("(Implementation) fixed versus re-tracked points",
              "re-tracked / fixed lifetime at λ = 1000: {format_range(rt.values(), '.2f', ' to "
              "')}; re-tracked with Adam: lifetime {format_range([v[0] for v in rt_adam.values()], "
              "'.2f', ' to ')}× the original, trained accuracy {format_range([v[1] for v in rt_adam.values("
              ")], '.2f', ' to ')}",
              "fixed points are at least as good; Adam re-tracking fails"),
        Claim("(Implementation) class means over training digits start the search (before: test digits)",
              "{len(moved)} runs rebuilt: lifetime moved by a median ×{moved.factor.median():.2f}, with fixed "
              "points at most ×{fixed_runs.factor.max():.2f}, re-tracked with Adam up to "
              "×{moved[moved.tracking == 'retrack_adam'].factor.max():.1f}",
              "{'the same conclusions (' + str(len(same)) + ' rules)' if all(a and b for a, b in same.values()) "
              "else 'conclusions changed'}"),
        Claim("(Beyond the paper) how far memory can be pushed",
              "best lifetime: GRUs {', '.join('beyond the 2000-step probe' if not np.isfinite(ratio[n]) "
              "else f'{ratio[n]:.1f}×' for n in nets['gru'])}; LSTMs {format_range([ratio[n] "
              "for n in nets['lstm']], '.1f', ' to ')}×; GRU accuracy at 2000 steps {format_range([beyond.loc[n,"
              " 'acc 2000'] for n in nets['gru']], '.2f', ' to ')}",
              "—"),
    ],
    6: [  # chapter 6, non-normal initialisation
        Claim("Linear theory (N = 100): J_tot = 1 for normal matrices, ≫ 1 for chains, "
              "with transient amplification",
              "orthogonal {fisher.J_tot['orthogonal ×0.99']:.3f}, identity {fisher.J_tot['identity "
              "×0.99']:.3f}; chain α = 1.02 {fisher.J_tot['chain α=1.02']:.2f}, delay line "
              "{fisher.J_tot['chain α=1 (delay line)']:.2f} (= H_100), fbchain {fisher.J_tot['fbchain']:.2f}; "
              "‖A^k v‖ peaks at {amp['chain α=1.02'].max():.2f}; the same chain fed through "
              "a random vector {by_input['random unit vector']:.2f}",
              "yes (and the input must enter at the head)"),
        Claim("Nonlinear (elu) decoding of s_(t−k) from h_t at initialisation is better "
              "for the chain than for orthogonal",
              "R² at lag {lag}: chain {at[0.0, 'chain', lag]:.2f} vs orthogonal {at[0.0, 'orthogonal', "
              "lag]:.2f} (no noise), {at[0.1, 'chain', lag]:.2f} vs {at[0.1, 'orthogonal', lag]:.2f} "
              "(noise 0.1); orthogonal better at lags ≤ 10 without noise; chain 0 beyond "
              "N",
              "yes, beyond short lags"),
        Claim("Copy (T = 500): some chain and fbchain runs succeed, no identity or orthogonal run "
              "does (46/462, 11/462, 0/594)",
              "T = 100, 2000 updates: chain {success_counts(runs, 'copy')['chain']}, fbchain "
              "{success_counts(runs, 'copy')['fbchain']}, orthogonal {success_counts(runs, 'copy')['orthogonal']},"
              " identity {success_counts(runs, 'copy')['identity']}; median loss / baseline "
              "at the best lr: chain {med['copy', 'chain']:.2f}, fbchain {med['copy', 'fbchain']:.2f}, "
              "orthogonal {med['copy', 'orthogonal']:.2f}, identity {med['copy', 'identity']:.2f}",
              "yes for chain, at T = 100 (at 500 a chain starts with nothing of the symbols); fbchain beats "
              "the normal inits but never succeeds"),
        Claim("Chain has the most successes on every task; the best chain/fbchain loss "
              "is ≤ identity/orthogonal",
              "addition (T = 100): identity {success_counts(runs, 'addition')['identity']}, "
              "chain {success_counts(runs, 'addition')['chain']}, fbchain {success_counts(runs, "
              "'addition')['fbchain']}, orthogonal {success_counts(runs, 'addition')['orthogonal']}; "
              "permuted digits: chain {success_counts(runs, 'psdigits')['chain']}, fbchain "
              "{success_counts(runs, 'psdigits')['fbchain']}, orthogonal {success_counts(runs, "
              "'psdigits')['orthogonal']}, identity {success_counts(runs, 'psdigits')['identity']}, "
              "loss after 100 updates chain {early['chain']:.2f} vs orthogonal {early['orthogonal']:.2f}, "
              "final {med['psdigits', 'chain']:.2f} vs {med['psdigits', 'orthogonal']:.2f}",
              "no for addition (identity wins); digits: faster start, no final gap"),
        Claim("Henrici index > 0 after training from orthogonal/identity: 2.74 and 2.33 "
              "on addition, 2.72 and 1.01 on psMNIST",
              "addition: orthogonal {hen.loc[('addition', 'orthogonal'), 'trained']:.2f}, "
              "identity {hen.loc[('addition', 'identity'), 'trained']:.2f}, against random "
              "moves of the same size {hen.loc[('addition', 'orthogonal'), 'control']:.2f} "
              "and {hen.loc[('addition', 'identity'), 'control']:.2f}; digits: {hen.loc[('psdigits', "
              "'orthogonal'), 'trained']:.2f} and {hen.loc[('psdigits', 'identity'), 'trained']:.2f} "
              "against {hen.loc[('psdigits', 'orthogonal'), 'control']:.2f} and {hen.loc[('psdigits', "
              "'identity'), 'control']:.2f}",
              "the rise, yes; beyond its control only on addition"),
        Claim("Hidden chain: a forward bump at small positive i − j after training",
              "forward − backward weight above its control in {frac['identity']:.0%} of "
              "identity-initialised and {frac['orthogonal']:.0%} of orthogonally initialised "
              "successful runs; a few hundredths at most",
              "faint; identity mostly, orthogonal inconsistent"),
        Claim("(Beyond both papers) chain initialisation of delayed-classification GRUs",
              "N = 100, NaCu, 3 seeds each: lifetime chain {format_range(contrast.life, '.0f', ' "
              "to ')} vs default and orthogonal {format_range(contrast.other_life, '.0f', ' to ')} "
              "steps (one-sided Mann-Whitney p = {contrast.mw.pvalue:.3f}); median drift speed {per_init.loc['chain',"
              " 'drift']:.2f} vs {per_init.loc['default', 'drift']:.2f} and {per_init.loc['orthogonal', "
              "'drift']:.2f} (log10 S); report accuracy {format_range(bridge.report_accuracy, "
              "'.2f', ' to ')}",
              "—"),
    ],
}
