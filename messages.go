package pingan

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// The message catalogue: every sentence pingan shows a person — errors of
// the domain and the store, the words of the pages and of the API — by
// key, in Chinese (zh-CN, the default) and English. A message is carried
// as its key and arguments (Message) and rendered only where it is shown,
// in the reader's language; texts are formatted with fmt verbs, and an
// English text may take its arguments in another order with %[n]s.
//
// The catalogue is written in several files by subject (messages_*.go),
// each a map; Catalogue joins them, and a test checks that no key is
// written twice and that every key the code uses is written.

// Lang is a language of the catalogue.
type Lang string

// The languages: Chinese first, English second.
const (
	ZH Lang = "zh-CN"
	EN Lang = "en"
)

// messageSets are the maps of the catalogue, one per file.
var messageSets = []map[string][2]string{commonMessages, auditMessages, auditEventMessages, securityMessages, totpMessages, retentionMessages, limitMessages, backupMessages, open311Messages, webhookMessages, caseImportMessages, openapiMessages, apikeyMessages, reportMessages, caseMessages, storeMessages, webMessages,
	roleMessages, deadlineMessages, phoneMessages, escalateMessages, printMessages, notifyMessages, findMessages, mapMessages, pickerMessages, queueMessages, urgencyMessages, accountMessages, requestMessages,
	cohandleMessages, mergeMessages, fieldMessages, statsMessages, exportMessages, dashboardMessages, gaugeMessages, disputeMessages, disputeNumberMessages,
	campaignMessages, mediationPrintMessages, mediationStoreMessages, mediationWebMessages, petitionMessages, petitionNumberMessages, petitionPrintMessages, petitionWebMessages, receptionMessages, petitionStoreMessages, petitionIntakeMessages,
	assessMessages, assessStoreMessages, assessWebMessages, monthlyMessages, handlerMessages, creationMessages,
	riskMessages, stabilityMessages, warningMessages, taskMessages, briefingMessages, riskWebMessages, warningWebMessages, taskWebMessages,
	hazardMessages, siteMessages, monitorMessages, patrolMessages}

// catalogue is every message by key.
var catalogue = func() map[string][2]string {
	out := map[string][2]string{}
	for _, set := range messageSets {
		for k, v := range set {
			out[k] = v
		}
	}
	return out
}()

// HasMessage reports whether key is in the catalogue.
func HasMessage(key string) bool {
	_, ok := catalogue[key]
	return ok
}

// MessageKeys answers every key of the catalogue, sorted, and the keys
// written in more than one file.
func MessageKeys() (keys, twice []string) {
	seen := map[string]bool{}
	for _, set := range messageSets {
		for k := range set {
			if seen[k] {
				twice = append(twice, k)
			}
			seen[k] = true
		}
	}
	for k := range seen {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	sort.Strings(twice)
	return keys, twice
}

// Text renders the message with key in lang with args. A key missing from
// the catalogue is answered as itself (a test keeps that from happening).
func Text(lang Lang, key string, args ...any) string {
	t, ok := catalogue[key]
	if !ok {
		if len(args) == 0 {
			return key
		}
		return key + fmt.Sprint(args...)
	}
	s := t[0]
	if lang == EN && t[1] != "" {
		s = t[1]
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// ParseLang answers the language an Accept-Language header (or a lang
// parameter) prefers among ours: English when it ranks English above
// Chinese, Chinese otherwise.
func ParseLang(header string) Lang {
	best, bestQ := ZH, -1.0
	for _, part := range strings.Split(header, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		tag = strings.ToLower(strings.TrimSpace(tag))
		q := 1.0
		if p, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(p, 64); err == nil {
				q = f
			}
		}
		var l Lang
		switch {
		case tag == "zh" || strings.HasPrefix(tag, "zh-"):
			l = ZH
		case tag == "en" || strings.HasPrefix(tag, "en-"):
			l = EN
		default:
			continue
		}
		if q > bestQ {
			best, bestQ = l, q
		}
	}
	return best
}

// commonMessages are the messages every layer uses.
var commonMessages = map[string][2]string{
	"error.invalid":  {"输入有误，请检查标出的字段", "invalid input"},
	"error.internal": {"内部错误，请稍后再试", "Internal error: please try again later"},
	"field.required": {"必填", "required"},

	"text.bad":  {"字段「%[1]s」含有空字符或无效的 UTF-8 编码", "the field %[1]q holds a NUL character or invalid UTF-8"},
	"text.nul":  {"不能含有空字符 U+0000", "must not contain the NUL character"},
	"text.utf8": {"不是有效的 UTF-8 文本", "not valid UTF-8 text"},

	"role.unknown":       {"未知角色 %s", "unknown role %s"},
	"role.unknown.field": {"未知角色 %s；可选 admin, dispatcher, handler, grid_worker, mediator, leader, assessor, viewer", "unknown role %s; one of admin, dispatcher, handler, grid_worker, mediator, leader, assessor, viewer"},
	"role.none":          {"至少需要一个角色", "at least one role"},
	"signin.busy":        {"同时登录的人数过多，请稍后再试", "too many sign-ins at once; try again in a moment"},

	"grid.code.empty":          {"网格编码为空", "code is empty"},
	"grid.code.bad":            {"网格编码 %q 含有非法字符", "code %q has a space, slash, %% or _"},
	"grid.name.empty":          {"网格名称为空", "name is empty"},
	"grid.type.bad":            {"网格类型 %q 无效，应为 community（社区）、village（农村）或 dedicated（专属）", "unknown grid type %q: community, village or dedicated"},
	"grid.unit.empty":          {"所属村/社区为空", "unit is empty"},
	"grid.households.negative": {"户数不能为负", "households cannot be negative"},
	"grid.population.negative": {"人口不能为负", "population cannot be negative"},
	"grid.position.bad":        {"岗位 %q 无效，应为 leader（网格长）、member（网格员）或 assistant（网格辅助员）", "unknown position %q: leader, member or assistant"},
}
