package main

import (
	"flag"
	"fmt"

	"github.com/pingan-gov/pingan"
)

const userUsage = `用法 (usage):
  pingan user add --username U --unit CODE --role ROLE[,ROLE] --password-stdin [--name N]
  pingan user disable --username U    # 停用：不能再登录，会话立即结束 (no more sign-ins; sessions end)
  pingan user enable  --username U    # 启用 (may sign in again)
  pingan user revoke  --username U    # 强制下线：结束全部会话 (end every session)`

// userCmd runs the account subcommands. The operator at the command line
// acts on any account; what they do is audited as the command line's.
func (e *cmdEnv) userCmd(args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%s", userUsage)
	}
	switch args[0] {
	case "add":
		return e.userAdd(args[1:])
	case "disable", "enable", "revoke":
		return e.userState(args[0], args[1:])
	}
	return fmt.Errorf("未知的 user 子命令 (unknown subcommand) %q\n%s", args[0], userUsage)
}

// userState disables or enables an account, or ends its sessions. A server
// sharing the database stops trusting the account's tokens within its
// session cache's lifetime (api.DefaultSessionCacheTTL).
func (e *cmdEnv) userState(verb string, args []string) error {
	var f dbFlags
	var username string
	fs := flag.NewFlagSet("user "+verb, flag.ContinueOnError)
	f.register(fs)
	fs.StringVar(&username, "username", "", "登录名 (login name)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if username == "" {
		return fmt.Errorf("--username 必填 (required)\n%s", userUsage)
	}
	db, err := f.open(e.ctx, pingan.SystemClock, true)
	if err != nil {
		return err
	}
	defer db.Close()
	switch verb {
	case "disable":
		if err := db.Users.DisableUser(e.ctx, nil, username); err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "已停用用户 %s，其会话已结束 (account disabled; its sessions ended)\n", username)
	case "enable":
		if err := db.Users.EnableUser(e.ctx, nil, username); err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "已启用用户 %s (account enabled)\n", username)
	case "revoke":
		n, err := db.Users.RevokeSessions(e.ctx, nil, username)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "已结束用户 %s 的 %d 个会话 (%d sessions ended)\n", username, n, n)
	}
	return nil
}
