package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/pingan-gov/pingan"
)

const userUsage = `用法 (usage):
  pingan user add --username U --unit CODE --role ROLE[,ROLE] --password-stdin [--name N]
  pingan user disable --username U    # 停用：不能再登录，会话立即结束 (no more sign-ins; sessions end)
  pingan user enable  --username U    # 启用 (may sign in again)
  pingan user revoke  --username U    # 强制下线：结束全部会话 (end every session)
  pingan user totp-reset --username U # 重置双因素认证（手机丢失），下次登录重新绑定 (reset two-factor sign-in: a lost phone)
  pingan user list [--unit CODE] [--q TEXT] [--role ROLE] [--disabled] [--json]   # 账户列表 (list accounts)
  pingan user edit --username U [--name N] [--unit CODE] [--role ROLE[,ROLE]] [--grid CODE[,CODE]]
                                      # 只修改给出的项；--grid "" 退出全部网格 (only the flags given change)
  pingan user passwd --username U --password-stdin   # 重置密码并结束其会话 (set the password; sessions end)`

// userCmd runs the account subcommands. The operator at the command line
// acts on any account; what they do is audited as the command line's.
func (e *cmdEnv) userCmd(args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%s", userUsage)
	}
	switch args[0] {
	case "add":
		return e.userAdd(args[1:])
	case "disable", "enable", "revoke", "totp-reset":
		return e.userState(args[0], args[1:])
	case "list":
		return e.userList(args[1:])
	case "edit":
		return e.userEdit(args[1:])
	case "passwd":
		return e.userPasswd(args[1:])
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
	case "totp-reset":
		if err := db.Users.ResetTOTP(e.ctx, nil, username); err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "已重置用户 %s 的双因素认证，下次登录时重新绑定 (two-factor sign-in reset; the account enrolls again)\n", username)
	case "revoke":
		n, err := db.Users.RevokeSessions(e.ctx, nil, username)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "已结束用户 %s 的 %d 个会话 (%d sessions ended)\n", username, n, n)
	}
	return nil
}

// accountRow is an account as `pingan user list --json` writes it.
type accountRow struct {
	Username  string   `json:"username"`
	Name      string   `json:"name"`
	Unit      string   `json:"unit"`
	UnitName  string   `json:"unit_name"`
	Roles     []string `json:"roles"`
	RoleNames []string `json:"role_names"`
	Grids     []string `json:"grids"`
	Disabled  bool     `json:"disabled"`
	// MixedAdmin: an administrator's role beside another, which the
	// security administrator should split (三权分立).
	MixedAdmin bool `json:"mixed_admin"`
}

// userList writes the accounts the flags select: a table in Chinese for
// the terminal, or JSON for scripts. Names are those of the staff.
func (e *cmdEnv) userList(args []string) error {
	var (
		f                dbFlags
		unit, q, role    string
		disabled, asJSON bool
	)
	fs := flag.NewFlagSet("user list", flag.ContinueOnError)
	f.register(fs)
	fs.StringVar(&unit, "unit", "", "单位代码，含下级单位 (unit code, with the units under it)")
	fs.StringVar(&q, "q", "", "登录名或姓名中的文字 (text in the login name or name)")
	fs.StringVar(&role, "role", "", "角色 (role)")
	fs.BoolVar(&disabled, "disabled", false, "只列出已停用的账户 (disabled accounts only)")
	fs.BoolVar(&asJSON, "json", false, "输出 JSON (write JSON)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	db, err := f.open(e.ctx, pingan.SystemClock, true)
	if err != nil {
		return err
	}
	defer db.Close()
	found, _, err := db.Users.SearchUsers(e.ctx, nil, pingan.UserFilter{Unit: unit, Query: q, Role: pingan.Role(strings.TrimSpace(role))})
	if err != nil {
		return flagged(err)
	}
	var users []*pingan.User
	for _, u := range found {
		if !disabled || u.Disabled {
			users = append(users, u)
		}
	}
	unitNames, grids, err := db.Users.Roster(e.ctx, users)
	if err != nil {
		return err
	}
	rows := make([]accountRow, 0, len(users))
	for _, u := range users {
		r := accountRow{Username: u.Username, Name: u.Name, Unit: u.UnitCode, UnitName: unitNames[u.UnitCode],
			Roles: []string{}, RoleNames: []string{}, Grids: grids[u.ID], Disabled: u.Disabled, MixedAdmin: pingan.MixedAdmin(u)}
		for _, x := range u.Roles {
			r.Roles = append(r.Roles, string(x))
			r.RoleNames = append(r.RoleNames, pingan.Msg("role."+string(x)).Text(pingan.ZH))
		}
		if r.Grids == nil {
			r.Grids = []string{}
		}
		rows = append(rows, r)
	}
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	table := [][]string{{"登录名", "姓名", "单位代码", "单位名称", "角色", "网格", "状态"}}
	for _, r := range rows {
		state := "启用"
		if r.Disabled {
			state = "停用"
		}
		if r.MixedAdmin {
			state += "，管理员兼其他角色，须拆分 (admin with other roles: split)"
		}
		table = append(table, []string{r.Username, r.Name, r.Unit, r.UnitName,
			strings.Join(r.RoleNames, "、"), strings.Join(r.Grids, ","), state})
	}
	writeTable(e.stdout, table)
	fmt.Fprintf(e.stderr, "共 %d 个账户 (%d accounts)\n", len(rows), len(rows))
	return nil
}

// writeTable writes the rows with their columns aligned by display width
// (a Chinese character takes two columns of a terminal).
func writeTable(w interface{ Write([]byte) (int, error) }, rows [][]string) {
	var widths []int
	for _, row := range rows {
		for i, cell := range row {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], displayWidth(cell))
		}
	}
	for _, row := range rows {
		var b strings.Builder
		for i, cell := range row {
			b.WriteString(cell)
			if i < len(row)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-displayWidth(cell)+2))
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}

// displayWidth answers how many columns of a terminal s takes: two for a
// wide (East Asian) character, one for any other.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		if r < utf8.RuneSelf {
			n++
		} else if wide(r) {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// wide reports whether r is an East Asian wide or fullwidth character.
func wide(r rune) bool {
	switch {
	case r >= 0x1100 && r <= 0x115F, // Hangul Jamo
		r >= 0x2E80 && r <= 0x303E, // CJK radicals, punctuation
		r >= 0x3041 && r <= 0x33FF, // kana, CJK symbols
		r >= 0x3400 && r <= 0x4DBF, // CJK extension A
		r >= 0x4E00 && r <= 0x9FFF, // CJK unified ideographs
		r >= 0xA000 && r <= 0xA4CF, // Yi
		r >= 0xAC00 && r <= 0xD7A3, // Hangul syllables
		r >= 0xF900 && r <= 0xFAFF, // CJK compatibility ideographs
		r >= 0xFE30 && r <= 0xFE4F, // CJK compatibility forms
		r >= 0xFF00 && r <= 0xFF60, // fullwidth forms
		r >= 0xFFE0 && r <= 0xFFE6,
		r >= 0x20000 && r <= 0x3FFFD: // CJK extensions B and after
		return true
	}
	return false
}

// userEdit changes the name, unit, roles or grids of an account: only
// what the flags given say.
func (e *cmdEnv) userEdit(args []string) error {
	var (
		f                                dbFlags
		username, name, unit, role, grid string
	)
	fs := flag.NewFlagSet("user edit", flag.ContinueOnError)
	f.register(fs)
	fs.StringVar(&username, "username", "", "登录名 (login name)")
	fs.StringVar(&name, "name", "", "姓名 (full name)")
	fs.StringVar(&unit, "unit", "", "所属单位代码 (unit code)")
	fs.StringVar(&role, "role", "", "角色，逗号分隔，替换原有角色 (roles, comma separated; they replace the old)")
	fs.StringVar(&grid, "grid", "", "网格代码，逗号分隔，替换原有网格；空则退出全部网格 (grid codes; they replace the old; empty: none)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if strings.TrimSpace(username) == "" {
		return fmt.Errorf("--username 必填 (required)\n%s", userUsage)
	}
	given := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { given[fl.Name] = true })
	if !given["name"] && !given["unit"] && !given["role"] && !given["grid"] {
		return fmt.Errorf("没有要修改的内容：请给出 --name、--unit、--role 或 --grid (nothing to change)\n%s", userUsage)
	}
	db, err := f.open(e.ctx, pingan.SystemClock, true)
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := db.Users.UserByUsername(e.ctx, strings.TrimSpace(username))
	if err != nil {
		return err
	}
	if given["name"] {
		u.Name = name
	}
	if given["unit"] {
		u.UnitCode = unit
	}
	if given["role"] {
		u.Roles = nil
		for _, r := range splitList(role) {
			u.Roles = append(u.Roles, pingan.Role(r))
		}
	}
	var grids []string // nil: unchanged
	if given["grid"] {
		grids = append([]string{}, splitList(grid)...)
	}
	if err := db.Users.UpdateUserGrids(e.ctx, nil, u, grids); err != nil {
		return flagged(err)
	}
	var roles []string
	for _, r := range u.Roles {
		roles = append(roles, pingan.Msg("role."+string(r)).Text(pingan.ZH))
	}
	fmt.Fprintf(e.stderr, "已修改用户 %s：姓名 %s，单位 %s，角色 %s (account changed)\n",
		u.Username, u.Name, u.UnitCode, strings.Join(roles, "、"))
	return nil
}

// splitList answers the non-empty comma-separated items of s, trimmed.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// userPasswd gives an account a new password, read from the first line of
// stdin, and ends its sessions.
func (e *cmdEnv) userPasswd(args []string) error {
	var (
		f         dbFlags
		username  string
		fromStdin bool
	)
	fs := flag.NewFlagSet("user passwd", flag.ContinueOnError)
	f.register(fs)
	fs.StringVar(&username, "username", "", "登录名 (login name)")
	fs.BoolVar(&fromStdin, "password-stdin", false, "从标准输入读取新密码 (read the new password from stdin)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if strings.TrimSpace(username) == "" {
		return fmt.Errorf("--username 必填 (required)\n%s", userUsage)
	}
	if !fromStdin {
		return fmt.Errorf("请用 --password-stdin 从标准输入提供密码，密码不应出现在命令行中 (pass the password on stdin with --password-stdin)")
	}
	password, err := e.stdinPassword()
	if err != nil {
		return err
	}
	db, err := f.open(e.ctx, pingan.SystemClock, true)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := db.Users.SetPassword(e.ctx, nil, username, password)
	if err != nil {
		return flagged(err)
	}
	fmt.Fprintf(e.stderr, "已重置用户 %s 的密码，结束了 %d 个会话 (password set; %d sessions ended)\n", strings.TrimSpace(username), n, n)
	return nil
}

// flagFor is the flag of the command line that gives each field of the
// store's validation errors.
var flagFor = map[string]string{
	"username": "--username", "name": "--name", "unit": "--unit", "role": "--role",
	"grid": "--grid", "password": "--password-stdin",
}

// flagged answers err with its fields named by the flags that gave them,
// so that the operator reads which flag is wrong and why.
func flagged(err error) error {
	var pe *pingan.Error
	if !errors.As(err, &pe) || len(pe.Fields) == 0 {
		return err
	}
	out := *pe
	out.Fields = make(map[string]pingan.Message, len(pe.Fields))
	for k, m := range pe.Fields {
		if fl, ok := flagFor[k]; ok {
			k = fl
		}
		out.Fields[k] = m
	}
	return &out
}

// stdinPassword reads a password from the first line of standard input.
func (e *cmdEnv) stdinPassword() (string, error) {
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", fmt.Errorf("标准输入没有密码 (no password on stdin)")
	}
	return strings.TrimRight(line, "\r\n"), nil
}
