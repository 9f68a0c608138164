package httpx

import (
	"net/http"

	"github.com/pingan-gov/pingan"
)

// statuses maps each error code of the domain to its HTTP status: the one
// place where the API and the pages decide one.
var statuses = map[string]int{
	pingan.EINVALID:      http.StatusBadRequest,
	pingan.ENOTFOUND:     http.StatusNotFound,
	pingan.ECONFLICT:     http.StatusConflict,
	pingan.EFORBIDDEN:    http.StatusForbidden,
	pingan.EUNAUTHORIZED: http.StatusUnauthorized,
	pingan.ETOOMANY:      http.StatusTooManyRequests,
	pingan.EINTERNAL:     http.StatusInternalServerError,
}

// Status answers the HTTP status of an error code, and false for a code
// the domain does not know (to be answered as internal).
func Status(code string) (int, bool) {
	st, ok := statuses[code]
	return st, ok
}
