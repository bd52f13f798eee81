package scaffold

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// Pipeline returns a dvc.yaml like the repository's for data tracked at
// dep (relative to the file): validate, train and report stages that
// depend on the data and params.yaml only, since a user's project does not
// hold the training code the repository's pipeline also lists.
func Pipeline(dep string) []byte {
	q, err := yaml.Marshal(dep)
	if err != nil {
		panic("scaffold: marshal a string: " + err.Error())
	}
	d := string(q[:len(q)-1])
	return fmt.Appendf(nil, `# The training pipeline, in DVC 3.x's format, written by mlops init:
# mlops pipeline run and dvc repro both run it (with mlops on PATH), skip
# stages whose inputs match dvc.lock, and restore earlier outputs from the
# run cache when inputs are reverted.
stages:
  validate:
    desc: Check the data set params.yaml names and summarize it
    cmd: mlops data validate --params params.yaml --output reports/data.json
    deps:
    - %[1]s
    params:
    - data
    - cv.folds
    metrics:
    - reports/data.json:
        cache: false
  train:
    desc: Cross-validate and fit every model; bundles for model-api
    cmd: mlops train --params params.yaml --models-dir models --metrics metrics.json
      --plots reports/cv_accuracy.csv
    deps:
    - %[1]s
    - reports/data.json
    params:
    - data
    - split
    - cv
    - seed
    - models
    outs:
    - models
    metrics:
    - metrics.json:
        cache: false
    plots:
    - reports/cv_accuracy.csv:
        cache: false
        x: fold
        title: Accuracy per cross-validation fold
        x_label: fold (repeat x folds)
        y_label: accuracy
  report:
    desc: The models' comparison table as text
    cmd: mlops metrics show metrics.json > reports/comparison.txt
    deps:
    - metrics.json
    outs:
    - reports/comparison.txt
`, d)
}
