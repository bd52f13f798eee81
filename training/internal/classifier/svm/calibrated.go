package svm

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/mlopsgo/mlops/training/internal/classifier"
	"github.com/mlopsgo/mlops/training/internal/classifier/scaling"
	"github.com/mlopsgo/mlops/training/model"
)

// calibrationFolds is CalibratedClassifierCV's cv=3.
const calibrationFolds = 3

// fitLiblinear is scikit-learn's CalibratedClassifierCV(LinearSVC(), cv=3,
// method="sigmoid") with its default ensemble=True: for each of 3
// stratified folds (StratifiedKFold without shuffling) a one-vs-rest
// LinearSVC is fitted on the other two and a Platt sigmoid per decision
// function on the fold's own decision values; the model keeps the three
// calibrated members and averages their probabilities. Standardization, when
// configured, is fitted once on all of X before the folds, as
// make_pipeline(StandardScaler(), CalibratedClassifierCV(...)) would.
//
// It returns the model, the iterations (dual passes or primal Newton steps)
// summed over every binary problem, and whether all of them converged.
func (t *Trainer) fitLiblinear(ctx context.Context, X [][]float64, y []int, classes int) (*model.LinearSVM, int, bool, error) {
	m := &model.LinearSVM{}
	if t.cfg.Standardize {
		m.Mean, m.Scale = scaling.Fit(X)
	}
	// The classes present, ascending, and each row's position among them.
	count := make([]int, classes)
	for _, c := range y {
		count[c]++
	}
	position := make([]int, classes)
	for c, n := range count {
		if n == 0 {
			continue
		}
		if n < calibrationFolds {
			return nil, 0, false, fmt.Errorf("%w: class %d has %d rows, the calibration needs at least %d", ErrTooFewRows, c, n, calibrationFolds)
		}
		position[c] = len(m.Labels)
		m.Labels = append(m.Labels, c)
	}
	label := make([]int, len(y))
	for i, c := range y {
		label[i] = position[c]
	}
	k := len(m.Labels)

	src := t.cfg.Src
	if src == nil {
		src = rand.NewPCG(0, 0)
	}
	rng := rand.New(src)
	a := newAugmented(X, m.Mean, m.Scale)
	fold := stratifiedFolds(label, k, calibrationFolds)
	functions := k
	if k == 2 {
		functions = 1
	}
	// One task per fold and decision function, each with its own source
	// drawn here in that order, so the model does not depend on how many
	// run at once or in which order they finish.
	tasks := make([]calibrationTask, 0, calibrationFolds*functions)
	for f := range calibrationFolds {
		var train, test []int
		for i, fi := range fold {
			if fi == f {
				test = append(test, i)
			}
		}
		// liblinear's group_classes: the training rows grouped by class,
		// ascending, each class's rows in their original order.
		for c := range k {
			for i, fi := range fold {
				if fi != f && label[i] == c {
					train = append(train, i)
				}
			}
		}
		for r := range functions {
			positive := r
			if k == 2 {
				positive = 1 // liblinear's single problem: the second class
			}
			tasks = append(tasks, calibrationTask{train: train, test: test, positive: positive, seed: [2]uint64{rng.Uint64(), rng.Uint64()}})
		}
	}
	results, err := t.runTasks(ctx, a, label, tasks)
	if err != nil {
		return nil, 0, false, err
	}
	d := a.stride - 1
	iterations, converged := 0, true
	for f := range calibrationFolds {
		var mem model.LinearSVMMember
		for _, res := range results[f*functions : (f+1)*functions] {
			mem.Coef = append(mem.Coef, res.w[:d:d])
			mem.Intercept = append(mem.Intercept, res.w[d])
			mem.SigmoidA = append(mem.SigmoidA, res.a)
			mem.SigmoidB = append(mem.SigmoidB, res.b)
			iterations += res.iterations
			converged = converged && res.converged
		}
		m.Members = append(m.Members, mem)
	}
	if !finiteLinear(m) {
		return nil, 0, false, fmt.Errorf("%w: the fitted weights are not finite (features too large?)", ErrSolver)
	}
	return m, iterations, converged, nil
}

func finiteLinear(m *model.LinearSVM) bool {
	for _, mem := range m.Members {
		for _, row := range mem.Coef {
			if !finite(row) {
				return false
			}
		}
		if !finite(mem.Intercept) || !finite(mem.SigmoidA) || !finite(mem.SigmoidB) {
			return false
		}
	}
	return true
}

// calibrationTask is one decision function of one calibrated member: a
// binary LinearSVC problem on the fold's training rows (rows of class
// positive against the rest) and its Platt sigmoid on the fold's test rows.
type calibrationTask struct {
	train, test []int
	positive    int
	seed        [2]uint64
}

// calibrationResult is a solved calibrationTask.
type calibrationResult struct {
	w          []float64 // over the augmented row; the last is the intercept
	a, b       float64   // the sigmoid
	iterations int
	converged  bool
}

// runTasks solves the tasks on up to Config.Workers goroutines and returns
// the results in task order.
func (t *Trainer) runTasks(ctx context.Context, a augmented, label []int, tasks []calibrationTask) ([]calibrationResult, error) {
	out := make([]calibrationResult, len(tasks))
	err := classifier.Run(classifier.Workers(t.cfg.Workers), len(tasks), func(_, i int) error {
		res, err := solveTask(ctx, a, label, tasks[i], t.cfg)
		if err != nil {
			return err
		}
		out[i] = res
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// solveTask fits one binary LinearSVC, in its primal or its dual as cfg
// says for the task's training rows, and calibrates its decision function
// on the held-out rows with scikit-learn's _SigmoidCalibration: Platt's
// sigmoid with his regularized targets, the problem libsvm's sigmoid_train
// solves.
func solveTask(ctx context.Context, a augmented, label []int, task calibrationTask, cfg Config) (calibrationResult, error) {
	y := make([]int8, len(task.train))
	for s, i := range task.train {
		y[s] = sign(label[i] == task.positive)
	}
	var (
		sol linearSolution
		err error
	)
	cd := cfg.dualCD()
	// As LinearSVC.fit inside CalibratedClassifierCV, the choice is made on
	// the fold's training rows.
	if cfg.primal(len(task.train), a.stride-1) {
		sol, err = solvePrimal(ctx, a, task.train, y, cfg.C, tronConfig(cd)) // liblinear's eps and max_iter for both
	} else {
		sol, err = solveDualCD(ctx, a, task.train, y, cfg.C, cd, rand.New(rand.NewPCG(task.seed[0], task.seed[1])))
	}
	if err != nil {
		return calibrationResult{}, err
	}
	dec := make([]float64, len(task.test))
	yTest := make([]int8, len(task.test))
	for s, i := range task.test {
		dec[s] = dot(a.row(i), sol.w)
		yTest[s] = sign(label[i] == task.positive)
	}
	sa, sb := sigmoidTrain(dec, yTest)
	return calibrationResult{w: sol.w, a: sa, b: sb, iterations: sol.iterations, converged: sol.converged}, nil
}

func sign(positive bool) int8 {
	if positive {
		return 1
	}
	return -1
}
