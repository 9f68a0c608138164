package paper

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan"
)

// TestDossier prints the dossier of the fixture dispute and reads it
// back: the cover, the contents with the page of each document, then the
// registration, each session's record, the agreement, judicial
// confirmation, the performance of each term, the visit, the timeline and
// the closing note, in this order.
func TestDossier(t *testing.T) {
	p := need(t)
	p.missing = func(r rune) { t.Errorf("no glyph for %q", r) }
	pdf, err := p.Dossier(mediated())
	if err != nil {
		t.Fatal(err)
	}
	kept(t, "dossier", pdf)
	got := text(t, pdf)
	inOrder(t, "the dossier", got,
		// the cover
		"东北街街道人民调解委员会", "人民调解卷宗", "案件编号2026-620902-000123", "纠纷名称富康路12号楼上漏水致楼下住户天花板受损",
		"类别矛盾纠纷/邻里纠纷", "当事人申请人张三丰；被申请人一李四；被申请人二酒泉市富康物业服务有限公司",
		"调解组织东北街街道人民调解委员会", "受理日期2026年3月2日", "结案日期2026年3月9日", "调解结果调解成功",
		"保管期限长期", "立卷人", "页码：1/",
		// the contents
		"卷内目录", "序号文件材料名称日期页号", "1纠纷受理登记表2026年3月2日3", "2调解笔录（第一次）2026年3月4日4",
		"3调解笔录（第二次）2026年3月6日5", "4人民调解协议书2026年3月6日6", "5司法确认情况2026年3月14日8",
		"6协议履行情况2026年3月10日8", "7回访记录", "8办理过程", "9卷内备考表",
		// the registration
		"纠纷受理登记表", "案件编号", "来源", "受理日期", "2026年3月2日10:30", "调解组织东北街街道人民调解委员会",
		"标的额", "8,600.00元", "反映人张三丰13812345678", "申请人", "张三丰（自然人）", "被申请人二", "纠纷简要情况", "楼上住户卫生间防水层老化",
		// the sessions
		"调解笔录（第一次）", "调解时间2026年3月4日14:00", "调解地点东北街街道天理良心调解室", "调解员王调解、赵调解",
		"到场人员张三丰；李四；物业公司经理孙五", "权利义务告知已告知当事人", "调解情况申请人张三丰陈述", "本次结果继续调解",
		"记录人王调解（2026年3月4日16:00）", "当事人签名：", "调解员签名：",
		"调解笔录（第二次）", "2026年3月6日14:00", "经释法明理", "本次结果达成协议",
		// the agreement
		"人民调解协议书", "纠纷主要事实、争议事项：", "经调解，自愿达成如下协议：", "一、被申请人李四赔偿", "本协议一式四份",
		"当事人签名（盖章）：", "东北街街道人民调解委员会（印）",
		// after it
		"司法确认情况", "协议日期2026年3月6日", "申请期限2026年4月5日", "确认情况法院确认有效", "2026年3月14日王调解：肃州区人民法院（2026）甘0902民特12号裁定确认协议有效",
		"协议履行情况", "第一项", "被申请人李四赔偿", "履行情况：已于2026年3月10日履行（已转账）",
		"第二项", "物业公司负责重做", "履行情况：未到履行期限", "第三项", "双方就本纠纷再无其他争议。", "履行情况：逾期未履行", "协议共3项，已履行1项。",
		"回访记录", "第一次回访", "回访日期：2026年3月10日；回访结果：履行中", "赔偿款已付",
		"办理过程", "调解", "司法确认", "回访",
		"卷内备考表", "本卷共", "立卷人：", "检查人：",
	)
	pages := regexp.MustCompile(`页码：(\d+)/(\d+)`).FindAllStringSubmatch(got, -1)
	if n := len(pages); n < 9 || !strings.Contains(got, "本卷共"+pages[0][2]+"页") {
		t.Errorf("the dossier's %d pages, the closing note counts: %s", n, got[strings.LastIndex(got, "本卷共"):])
	}
	// The contents name the page each document begins on: the page whose
	// footer follows the document's title.
	for _, doc := range []struct{ title, page string }{{"纠纷受理登记表案件编号", "3"}, {"调解笔录（第二次）调解时间", "5"},
		{"司法确认情况协议日期", "8"}, {"卷内备考表本卷情况", pages[len(pages)-1][1]}} {
		at := strings.LastIndex(got, doc.title)
		if at < 0 {
			t.Errorf("no %s", doc.title)
			continue
		}
		if m := regexp.MustCompile(`页码：(\d+)/`).FindStringSubmatch(got[at:]); m == nil || m[1] != doc.page {
			t.Errorf("%s is on page %v, the contents say %s", doc.title, m, doc.page)
		}
	}
}

// TestDossierFailed: the dossier of a mediation that failed prints, in
// the agreement's place, why it ended and the route the parties were
// told about; nothing of an agreement, confirmation or performance.
func TestDossierFailed(t *testing.T) {
	p := need(t)
	m := mediated()
	med := m.Case.Mediation
	med.Outcome, med.Referral, med.AgreedAt, med.ConfirmBy, med.Confirmation = pingan.OutcomeFailed, pingan.ReferLitigation, nil, nil, ""
	med.Terms, med.TermsPerformed, med.Settled, med.RevisitBy = 0, 0, false, nil
	m.Record.Agreement, m.Record.Revisits = nil, nil
	m.Record.EndReason = "被申请人坚持认为漏水系楼体结构问题，拒绝承担任何费用，双方分歧较大。"
	m.Record.Sessions[1].Result = pingan.SessionFailed
	var tl []*pingan.Action
	for _, a := range m.Timeline {
		if a.Action != pingan.ActAgree && a.Action != pingan.ActConfirm && a.Action != pingan.ActPerform && a.Action != pingan.ActRevisit {
			tl = append(tl, a)
		}
	}
	m.Timeline = append(tl, &pingan.Action{Seq: 13, Action: pingan.ActMediationFail, ActorID: 11, ActorName: "王调解", At: heldAt.AddDate(0, 0, 2).Add(3600e9),
		FromStatus: pingan.StatusInProgress, ToStatus: pingan.StatusResolved})
	pdf, err := p.Dossier(m)
	if err != nil {
		t.Fatal(err)
	}
	kept(t, "dossier-failed", pdf)
	got := text(t, pdf)
	inOrder(t, "the dossier of a failed mediation", got,
		"人民调解卷宗", "调解结果调解不成（已告知当事人通过诉讼解决）", "保管期限短期",
		"卷内目录", "4调解终结记录2026年3月6日", "5回访记录", "6办理过程", "7卷内备考表",
		"调解笔录（第二次）", "本次结果调解不成",
		"调解终结记录", "调解结果调解不成", "终结时间2026年3月6日15:00（记录人：王调解）", "终结原因被申请人坚持认为漏水系楼体结构问题",
		"告知途径已告知当事人可以依法通过诉讼等途径维护自己的权利", "第二十六条",
		"回访记录", "尚未回访", "卷内备考表")
	for _, bad := range []string{"人民调解协议书", "司法确认情况", "协议履行情况"} {
		if strings.Contains(got, bad) {
			t.Errorf("the dossier of a failed mediation has %q", bad)
		}
	}
}

// TestDossierMasked: a dossier printed from a masked case and record
// withholds who attended and what was said, shows the parties masked and
// says so.
func TestDossierMasked(t *testing.T) {
	p := need(t)
	m := mediated()
	for i, x := range m.Case.Parties {
		m.Case.Parties[i] = x.Masked()
	}
	r := m.Case.Reporter.Masked()
	m.Case.Reporter, m.Case.PersonalMasked, m.Record.Masked = &r, true, true
	for i := range m.Record.Sessions {
		m.Record.Sessions[i].Attendees, m.Record.Sessions[i].Record = "", ""
	}
	a := m.Record.Agreement
	a.Facts = ""
	for i := range a.Terms {
		a.Terms[i].Text, a.Terms[i].By = "", ""
	}
	pdf, err := p.Dossier(m)
	if err != nil {
		t.Fatal(err)
	}
	got := text(t, pdf)
	inOrder(t, "the masked dossier", got, "人民调解卷宗", "本文书中的个人信息已按查阅权限脱敏", "张**",
		"到场人员（含当事人个人信息，已按查阅权限隐去）", "调解情况（含当事人个人信息，已按查阅权限隐去）",
		"纠纷主要事实、争议事项：（含当事人个人信息，已按查阅权限隐去）")
	for _, whole := range []string{"张三丰", "13812345678", "620902198807150021", "孙五", "释法明理"} {
		if strings.Contains(got, whole) {
			t.Errorf("the masked dossier shows %q", whole)
		}
	}
}

// TestDossierOpen: a dispute still in mediation has no dossier.
func TestDossierOpen(t *testing.T) {
	p := need(t)
	m := mediated()
	m.Case.Mediation.Outcome = ""
	_, err := p.Dossier(m)
	var e *pingan.Error
	if !errors.As(err, &e) || e.Code != pingan.ECONFLICT {
		t.Errorf("the dossier of an open mediation: %v", err)
	}
	m.Case.Mediation = nil
	if _, err := p.Dossier(m); !errors.As(err, &e) || e.Code != pingan.ECONFLICT {
		t.Errorf("the dossier of a case without mediation: %v", err)
	}
}

// TestRetention: group disputes and agreements a court confirmed are kept
// long, the others short.
func TestRetention(t *testing.T) {
	for _, tc := range []struct {
		m    *pingan.Mediation
		want string
	}{
		{nil, RetainShort},
		{&pingan.Mediation{Outcome: pingan.OutcomeAgreement}, RetainShort},
		{&pingan.Mediation{Outcome: pingan.OutcomeAgreement, Confirmation: pingan.ConfirmApplied}, RetainShort},
		{&pingan.Mediation{Outcome: pingan.OutcomeAgreement, Confirmation: pingan.ConfirmConfirmed}, RetainLong},
		{&pingan.Mediation{DisputeFacts: pingan.DisputeFacts{Group: true}, Outcome: pingan.OutcomeFailed}, RetainLong},
	} {
		if got := Retention(&pingan.Case{Mediation: tc.m}); got != tc.want {
			t.Errorf("Retention(%+v) = %s, want %s", tc.m, got, tc.want)
		}
	}
}
