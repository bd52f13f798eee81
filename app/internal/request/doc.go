// Package request decodes and validates the bodies of model-api's
// prediction endpoints: the original API's /predict, /predict/batch and
// /predict/all-models, and the Open Inference Protocol's infer.
//
// # Strict, complete, cheap
//
// Bodies are parsed by a small JSON parser into a reusable arena, so the
// common request allocates nothing but the model name. The parser accepts
// exactly what encoding/json accepts (a fuzz test holds it to that), with a
// nesting limit. Validation then reports every problem at once, each with its
// location, in the shape FastAPI (pydantic v1) used: missing, unknown and
// duplicate features, wrong types, null, numbers beyond float64, and values
// outside the bundle's declared valid range. Feature names and ranges come
// from the model's bundle, never from constants.
package request
