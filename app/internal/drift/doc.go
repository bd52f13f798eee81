// Package drift measures how far recent model inputs have moved from the
// training data.
//
// A [Window] keeps the last N inputs of one model, feature by feature, as
// indices into the training histogram that the bundle carries (plus one bin
// below the training minimum and one above the maximum), and compares that
// distribution with the training one by the population stability index
// ([PSI]) and the Kolmogorov-Smirnov statistic ([KS]).
//
// # Reading the scores
//
// PSI below 0.1 is usually read as no shift, 0.1 to 0.25 as a moderate one
// and above 0.25 as a major one (E. M. Lewis, "An Introduction to Credit
// Scoring"). PSI grows as the window shrinks, so scores over a few dozen
// inputs are noisy. KS is the largest gap between the two cumulative
// distributions, 0 to 1; since both are binned, it is measured at the bin
// edges and is a lower bound of the KS statistic of the raw values.
package drift
