package api

import (
	"context"

	"github.com/pingan-gov/pingan"
)

// The account administration of pingan.UserService, which the HTTP layer
// does not serve: fakeUsers (server_test.go) refuses it.

func (f *fakeUsers) DisableUser(context.Context, *pingan.User, string) error {
	return pingan.E(pingan.EFORBIDDEN, "admin.only")
}

func (f *fakeUsers) EnableUser(context.Context, *pingan.User, string) error {
	return pingan.E(pingan.EFORBIDDEN, "admin.only")
}

func (f *fakeUsers) RevokeSessions(context.Context, *pingan.User, string) (int, error) {
	return 0, pingan.E(pingan.EFORBIDDEN, "admin.only")
}
