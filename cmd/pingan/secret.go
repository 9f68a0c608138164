package main

import (
	"flag"
	"fmt"
	"sort"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/secret"
	"github.com/pingan-gov/pingan/store"
)

// secretCmd runs pingan secret status|rotate|retire: the key ring of the
// personal data (数据密钥环, secret/ring.go; docs/security.md "Key
// rotation").
func (e *cmdEnv) secretCmd(args []string) error {
	const usage = "用法 (usage): pingan secret status | rotate | retire [--data DIR] [--db …]"
	if len(args) == 0 {
		return fmt.Errorf(usage)
	}
	var f dbFlags
	fs := flag.NewFlagSet("secret "+args[0], flag.ContinueOnError)
	f.register(fs)
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	switch args[0] {
	case "status":
		return e.secretStatus(f)
	case "rotate":
		return e.secretRotate(f)
	case "retire":
		return e.secretRetire(f)
	}
	return fmt.Errorf(usage)
}

// secretStatus prints how many values each key seals.
func (e *cmdEnv) secretStatus(f dbFlags) error {
	db, err := f.open(e.ctx, pingan.SystemClock, false)
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := db.KeyStatus(e.ctx, false)
	if err != nil {
		return err
	}
	e.printKeys(rep)
	return nil
}

// printKeys writes the values per key of rep, the sealing key first.
func (e *cmdEnv) printKeys(rep *store.KeyReport) {
	byKey, unreadable := map[string]int{}, 0
	for _, c := range rep.Columns {
		for k, n := range c.ByKey {
			byKey[k] += n
		}
		unreadable += c.Unreadable
	}
	fmt.Fprintf(e.stdout, "加密密钥 (sealing key) %s: %d\n", rep.Current, byKey[rep.Current])
	keys := make([]string, 0, len(byKey))
	for k := range byKey {
		if k != rep.Current && byKey[k] > 0 {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		name := k
		if k == "" {
			name = "未标注密钥的旧值 (values from before the key header)"
		}
		fmt.Fprintf(e.stdout, "旧密钥 (old key) %s: %d\n", name, byKey[k])
	}
	if unreadable > 0 {
		fmt.Fprintf(e.stdout, "无法解密 (unreadable): %d\n", unreadable)
	}
	fmt.Fprintf(e.stdout, "仍用旧密钥 (still on an old key): %d\n", rep.Stale())
}

// secretRotate makes a new key the sealing key (when the ring holds one
// key only) and seals every value again with it, in batches while
// servers run; run again, it goes on.
func (e *cmdEnv) secretRotate(f dbFlags) error {
	keys, src, err := secret.FindRing(f.data, envOr(secret.KeyEnv, ""))
	if err != nil {
		return err
	}
	if len(keys) == 1 {
		fresh, err := secret.GenerateKey()
		if err != nil {
			return err
		}
		ring := append([][]byte{fresh}, keys...)
		if src.Env {
			// The environment cannot be written from here: the operator
			// sets it on every server, restarts them, and runs this again.
			fmt.Fprintln(e.stdout, secret.FormatKeys(ring))
			fmt.Fprintf(e.stderr, "新密钥 %s 已生成，见上一行：请把 %s 设为上一行（新密钥在前），重启每台服务器，再运行 pingan secret rotate "+
				"(a new key %s was made, printed above: set %s to that line, the new key first, restart every server, and run pingan secret rotate again)\n",
				secret.KeyID(fresh), secret.KeyEnv, secret.KeyID(fresh), secret.KeyEnv)
			return nil
		}
		if err := secret.WriteRingFile(src.Path, ring); err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "新密钥 %s 已写入 %s，旧密钥仍在其后；请备份该文件 (a new key %s was written to %s before the old one: back the file up)\n",
			secret.KeyID(fresh), src.Path, secret.KeyID(fresh), src.Path)
	}
	db, err := f.open(e.ctx, pingan.SystemClock, false)
	if err != nil {
		return err
	}
	defer db.Close()
	bar := newProgress(e.stderr, "重新加密 (sealing again)", "values")
	rep, err := db.Rotate(e.ctx, bar.update)
	bar.finish()
	if err != nil {
		return fmt.Errorf("%w；可再次运行 pingan secret rotate 继续 (run pingan secret rotate again to go on)", err)
	}
	fmt.Fprintf(e.stderr, "已重新加密 %d 行 (rows sealed again)\n", rep.Resealed)
	e.printKeys(rep)
	if rep.Stale() > 0 {
		return fmt.Errorf("仍有 %d 个值使用旧密钥：某台服务器仍在用旧密钥加密，请重启它后再运行 pingan secret rotate "+
			"(%d values are still on an old key: a server still seals with it; restart it and run pingan secret rotate again)", rep.Stale(), rep.Stale())
	}
	fmt.Fprintln(e.stderr, "全部值已使用新密钥；旧密钥可用 pingan secret retire 退役 (every value is on the new key: retire the old one with pingan secret retire)")
	return nil
}

// secretRetire drops the old keys from the ring once no value needs them.
func (e *cmdEnv) secretRetire(f dbFlags) error {
	keys, src, err := secret.FindRing(f.data, envOr(secret.KeyEnv, ""))
	if err != nil {
		return err
	}
	db, err := f.open(e.ctx, pingan.SystemClock, false)
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := db.KeyStatus(e.ctx, false)
	if err != nil {
		return err
	}
	if n := rep.Stale(); n > 0 {
		e.printKeys(rep)
		return fmt.Errorf("拒绝退役：仍有 %d 个值使用旧密钥，请先运行 pingan secret rotate (refusing to retire: %d values still need an old key; run pingan secret rotate first)", n, n)
	}
	if len(keys) == 1 {
		fmt.Fprintln(e.stderr, "密钥环中没有旧密钥 (the ring holds no old key)")
		return nil
	}
	if secret.KeyID(keys[0]) != rep.Current {
		return fmt.Errorf("密钥环的第一个密钥不是数据库所用的加密密钥 %s (the ring's first key is not the sealing key %s)", rep.Current, rep.Current)
	}
	if err := db.AuditKeys(e.ctx, "key_retire", rep); err != nil {
		return err
	}
	if src.Env {
		fmt.Fprintln(e.stdout, secret.FormatKeys(keys[:1]))
		fmt.Fprintf(e.stderr, "请把 %s 设为上一行（只含加密密钥）并重启服务器 (set %s to the line above, the sealing key alone, and restart the servers)\n", secret.KeyEnv, secret.KeyEnv)
		return nil
	}
	if err := secret.WriteRingFile(src.Path, keys[:1]); err != nil {
		return err
	}
	for _, k := range keys[1:] {
		fmt.Fprintf(e.stderr, "旧密钥 %s 已从 %s 移除 (the old key was removed from the key file)\n", secret.KeyID(k), src.Path)
	}
	return nil
}
