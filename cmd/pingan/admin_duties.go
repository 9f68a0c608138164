package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/pingan-gov/pingan/store"
)

// warnMixedAdmins writes one line naming the accounts that hold an
// administrator's role beside another (三权分立: each administrator's role
// is held alone). An upgrade leaves such accounts as they were; the
// security administrator splits them on /admin/roles. Nothing when none.
func warnMixedAdmins(ctx context.Context, db *store.DB, w io.Writer) {
	names, err := db.Users.MixedAdmins(ctx)
	if err != nil {
		fmt.Fprintf(w, "警告 (warning): 无法检查管理员账户 (cannot check the administrators' accounts): %v\n", err)
		return
	}
	if len(names) == 0 {
		return
	}
	fmt.Fprintf(w, "警告 (warning): 以下账户同时持有管理员角色和其他角色，请由安全管理员拆分 (these accounts hold an administrator's role beside another; the security administrator should split them): %s\n",
		strings.Join(names, ", "))
}
