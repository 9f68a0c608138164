package api

import (
	"net/http"

	"github.com/pingan-gov/pingan"
)

// kindAnswer is a kind of case with its Chinese name.
type kindAnswer struct {
	Kind pingan.Kind `json:"kind"`
	Name string      `json:"name"`
}

// listCategories answers GET /api/v1/categories: {"kinds": [{"kind",
// "name"}…], "categories": [{"code", "kind", "name", "parent", "policy":
// {"sign": {"n", "unit"}, "resolve": {…}}}…]}.
func (s *Server) listCategories(w http.ResponseWriter, r *http.Request) error {
	cats, err := s.categories.Categories(r.Context())
	if err != nil {
		return err
	}
	if cats == nil {
		cats = []*pingan.Category{}
	}
	kinds := make([]kindAnswer, len(pingan.Kinds))
	for i, k := range pingan.Kinds {
		kinds[i] = kindAnswer{Kind: k.Kind, Name: k.Name}
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"kinds": kinds, "categories": cats})
	return nil
}
