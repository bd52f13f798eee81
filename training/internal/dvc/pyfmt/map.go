package pyfmt

// KV is one key and its value in a Map.
type KV struct {
	Key   string
	Value any
}

// Map is a mapping that keeps its insertion order, like a Python dict.
// Keys are unique; Set replaces the value of an existing key in place.
type Map []KV

// Get returns the value of key and whether it is present.
func (m Map) Get(key string) (any, bool) {
	for _, kv := range m {
		if kv.Key == key {
			return kv.Value, true
		}
	}
	return nil, false
}

// Set replaces key's value where it is, or appends key at the end.
func (m *Map) Set(key string, value any) {
	for i := range *m {
		if (*m)[i].Key == key {
			(*m)[i].Value = value
			return
		}
	}
	*m = append(*m, KV{Key: key, Value: value})
}

// Delete removes key if present.
func (m *Map) Delete(key string) {
	for i := range *m {
		if (*m)[i].Key == key {
			*m = append((*m)[:i], (*m)[i+1:]...)
			return
		}
	}
}
