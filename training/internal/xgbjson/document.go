package xgbjson

// The document's types mirror XGBoost 1.7's JSON model schema
// (doc/model.schema). Fields are declared in sorted key order, the order
// XGBoost writes them in; its numeric parameters are strings.

type document struct {
	Learner learner `json:"learner"`
	Version [3]int  `json:"version"`
}

type learner struct {
	Attributes      map[string]string `json:"attributes"`
	FeatureNames    []string          `json:"feature_names"`
	FeatureTypes    []string          `json:"feature_types"`
	GradientBooster gradientBooster   `json:"gradient_booster"`
	ModelParam      learnerModelParam `json:"learner_model_param"`
	Objective       objective         `json:"objective"`
}

type learnerModelParam struct {
	BaseScore        string `json:"base_score"`
	BoostFromAverage string `json:"boost_from_average"`
	NumClass         string `json:"num_class"`
	NumFeature       string `json:"num_feature"`
	NumTarget        string `json:"num_target"`
}

type objective struct {
	Name    string       `json:"name"`
	Softmax softmaxParam `json:"softmax_multiclass_param"`
}

type softmaxParam struct {
	NumClass string `json:"num_class"`
}

type gradientBooster struct {
	Model gbtreeModel `json:"model"`
	Name  string      `json:"name"`
}

type gbtreeModel struct {
	Param    gbtreeModelParam `json:"gbtree_model_param"`
	TreeInfo []int            `json:"tree_info"`
	Trees    []tree           `json:"trees"`
}

type gbtreeModelParam struct {
	NumParallelTree string `json:"num_parallel_tree"`
	NumTrees        string `json:"num_trees"`
	SizeLeafVector  string `json:"size_leaf_vector"`
}

type tree struct {
	BaseWeights        floats    `json:"base_weights"`
	Categories         []int     `json:"categories"`
	CategoriesNodes    []int     `json:"categories_nodes"`
	CategoriesSegments []int     `json:"categories_segments"`
	CategoriesSizes    []int     `json:"categories_sizes"`
	DefaultLeft        []int     `json:"default_left"`
	ID                 int       `json:"id"`
	LeftChildren       []int32   `json:"left_children"`
	LossChanges        floats    `json:"loss_changes"`
	Parents            []int32   `json:"parents"`
	RightChildren      []int32   `json:"right_children"`
	SplitConditions    floats    `json:"split_conditions"`
	SplitIndices       []int32   `json:"split_indices"`
	SplitType          []int     `json:"split_type"`
	SumHessian         floats    `json:"sum_hessian"`
	Param              treeParam `json:"tree_param"`
}

type treeParam struct {
	NumDeleted     string `json:"num_deleted"`
	NumFeature     string `json:"num_feature"`
	NumNodes       string `json:"num_nodes"`
	SizeLeafVector string `json:"size_leaf_vector"`
}

// floats is a float array as XGBoost writes it: every element in toChars'
// notation ("7.229677E1", "0E0"). XGBoost's JSON reader tells integers from
// numbers by their spelling and rejects an integer ("0") where its schema
// has a number, so encoding/json's spelling of whole floats cannot be used.
type floats []float32

func (f floats) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 2+12*len(f))
	b = append(b, '[')
	for i, v := range f {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, toChars(v)...)
	}
	return append(b, ']'), nil
}
