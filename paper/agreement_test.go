package paper

import (
	"errors"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
)

var (
	heldAt   = time.Date(2026, 3, 4, 14, 0, 0, 0, pingan.CST)
	agreedOn = time.Date(2026, 3, 6, 0, 0, 0, 0, pingan.CST)
	paidOn   = time.Date(2026, 3, 10, 0, 0, 0, 0, pingan.CST)
	closedAt = time.Date(2026, 3, 9, 16, 20, 0, 0, pingan.CST)
)

// mediated answers the fixture case as a dispute mediated by 东北街街道人民
// 调解委员会 to a written agreement of three terms, the first performed,
// confirmed by the court and visited once, read whole by its mediator.
func mediated() *MediationSheet {
	s := fixture()
	c := s.Case
	c.AssignedUnit = "620902001000"
	c.Status = pingan.StatusClosed
	c.ClosedAt = &closedAt
	c.Parties = []pingan.Person{
		{Role: pingan.PartyApplicant, Name: "张三丰", Phone: "13812345678", IDNumber: "620902198807150021", Address: "肃州区富康路12号3单元402室"},
		{Role: pingan.PartyRespondent, Name: "李四", Phone: "13911110001", IDNumber: "620902197002030013", Address: "肃州区富康路12号3单元502室"},
		{Role: pingan.PartyRespondent, Name: "酒泉市富康物业服务有限公司", Type: pingan.PartyOrganisation, Phone: "09372345678", IDNumber: "91620902MA71234567"},
	}
	confirmBy := agreedOn.AddDate(0, 0, 30)
	revisitBy := agreedOn.AddDate(0, 0, 30)
	c.Mediation = &pingan.Mediation{DisputeFacts: pingan.DisputeFacts{AmountFen: 860000, People: 3}, Sessions: 2,
		Outcome: pingan.OutcomeAgreement, AgreedAt: &agreedOn, ConfirmBy: &confirmBy, Confirmation: pingan.ConfirmConfirmed,
		Terms: 3, TermsPerformed: 1, RevisitBy: &revisitBy, RevisitedAt: &paidOn, Settled: true}
	s.Units["620902001000"] = "东北街街道人民调解委员会"
	at := func(d, h int) time.Time { return t0.AddDate(0, 0, d).Add(time.Duration(h) * time.Hour) }
	s.Timeline = append(s.Timeline,
		&pingan.Action{Seq: 6, Action: pingan.ActMediate, ActorID: 11, ActorName: "王调解", At: at(2, 6), FromStatus: pingan.StatusInProgress, ToStatus: pingan.StatusInProgress},
		&pingan.Action{Seq: 7, Action: pingan.ActMediate, ActorID: 11, ActorName: "王调解", At: at(4, 6), FromStatus: pingan.StatusInProgress, ToStatus: pingan.StatusInProgress},
		&pingan.Action{Seq: 8, Action: pingan.ActAgree, ActorID: 11, ActorName: "王调解", At: at(4, 7), FromStatus: pingan.StatusInProgress, ToStatus: pingan.StatusResolved},
		&pingan.Action{Seq: 9, Action: pingan.ActClose, ActorID: 3, ActorName: "肃州区派遣员", At: closedAt, FromStatus: pingan.StatusResolved, ToStatus: pingan.StatusClosed},
		&pingan.Action{Seq: 10, Action: pingan.ActConfirm, ActorID: 11, ActorName: "王调解", At: at(12, 0), FromStatus: pingan.StatusClosed, ToStatus: pingan.StatusClosed,
			Note: "肃州区人民法院（2026）甘0902民特12号裁定确认协议有效"},
		&pingan.Action{Seq: 11, Action: pingan.ActPerform, ActorID: 11, ActorName: "王调解", At: at(8, 0), FromStatus: pingan.StatusClosed, ToStatus: pingan.StatusClosed},
		&pingan.Action{Seq: 12, Action: pingan.ActRevisit, ActorID: 11, ActorName: "王调解", At: at(8, 2), FromStatus: pingan.StatusClosed, ToStatus: pingan.StatusClosed},
	)
	s.PrintedAt = time.Date(2026, 3, 20, 10, 0, 0, 0, pingan.CST)
	return &MediationSheet{Sheet: *s, Record: &pingan.MediationRecord{
		Sessions: []pingan.MediationSession{
			{Seq: 1, HeldAt: heldAt, Place: "东北街街道天理良心调解室", Mediators: []string{"王调解", "赵调解"}, Attendees: "张三丰；李四；物业公司经理孙五",
				RightsNotified: true, Record: "申请人张三丰陈述：自2月起楼上渗水，天花板霉变。被申请人李四称愿意维修，但对赔偿数额有异议。", Result: pingan.SessionContinue,
				RecordedBy: "王调解", RecordedAt: heldAt.Add(2 * time.Hour)},
			{Seq: 2, HeldAt: heldAt.AddDate(0, 0, 2), Place: "东北街街道天理良心调解室", Mediators: []string{"王调解", "赵调解"}, Attendees: "张三丰；李四；孙五",
				RightsNotified: true, Record: "经释法明理，双方就维修与赔偿达成一致。", Result: pingan.SessionAgreement},
		},
		Agreement: &pingan.Agreement{Written: true, SignedOn: agreedOn, Mediators: []string{"王调解", "赵调解"},
			Facts: "被申请人李四家卫生间防水层老化，渗水致申请人张三丰家天花板霉变、墙皮脱落。双方就维修责任和赔偿数额发生争议。",
			Terms: []pingan.Term{
				{No: 1, Text: "被申请人李四赔偿申请人张三丰房屋修复费用人民币捌仟陆佰元整（8600元）。", By: "被申请人李四", How: "一次性银行转账", Due: time.Date(2026, 3, 10, 0, 0, 0, 0, pingan.CST),
					PerformedOn: &paidOn, Note: "已转账"},
				{No: 2, Text: "物业公司负责重做被申请人李四家卫生间防水层。", By: "酒泉市富康物业服务有限公司", How: "派员施工", Due: time.Date(2026, 3, 31, 0, 0, 0, 0, pingan.CST)},
				{No: 3, Text: "双方就本纠纷再无其他争议。", By: "双方当事人", Due: time.Date(2026, 3, 6, 0, 0, 0, 0, pingan.CST)},
			}},
		Revisits: []pingan.Revisit{{On: paidOn, Result: pingan.RevisitPerforming, Note: "赔偿款已付，防水工程待施工，双方关系缓和。"}},
	}}
}

// kept writes a document and its first page as PNG to -keep, if set.
func kept(t *testing.T, name string, pdf []byte) {
	t.Helper()
	if *keep == "" {
		return
	}
	os.WriteFile(filepath.Join(*keep, name+".pdf"), pdf, 0o644)
	f, err := os.Create(filepath.Join(*keep, name+".png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	png.Encode(f, page(t, pdf, 100))
}

// inOrder fails unless each of want appears in got after the one before.
func inOrder(t *testing.T, doc, got string, want ...string) {
	t.Helper()
	at := 0
	for _, w := range want {
		w = strings.Join(strings.Fields(w), "")
		i := strings.Index(got[at:], w)
		if i < 0 {
			if strings.Contains(got, w) {
				t.Errorf("%s has %q out of order:\n%s", doc, w, got)
			} else {
				t.Errorf("%s lacks %q:\n%s", doc, w, got)
			}
			continue
		}
		at += i + len(w)
	}
}

// TestAgreement prints the agreement of the fixture dispute and reads it
// back: the title and number, each party with its role, type, ID number,
// address and phone, the facts, every term with who performs it, how and
// its day, the closing lines and the signature block under the
// committee's seal with the date, in this order.
func TestAgreement(t *testing.T) {
	p := need(t)
	p.missing = func(r rune) { t.Errorf("no glyph for %q", r) }
	pdf, err := p.Agreement(mediated())
	if err != nil {
		t.Fatal(err)
	}
	kept(t, "agreement", pdf)
	got := text(t, pdf)
	inOrder(t, "the agreement", got,
		"东北街街道人民调解委员会", "人民调解协议书", "编号：2026-620902-000123",
		"申请人", "姓名（名称）：张三丰（自然人）", "身份证号码：620902198807150021", "联系电话：13812345678", "住所：肃州区富康路12号3单元402室",
		"被申请人一", "李四（自然人）", "620902197002030013", "13911110001",
		"被申请人二", "酒泉市富康物业服务有限公司（法人或其他组织）", "统一社会信用代码：91620902MA71234567", "联系电话：09372345678", "住所：—",
		"纠纷主要事实、争议事项：", "被申请人李四家卫生间防水层老化", "双方就维修责任和赔偿数额发生争议。",
		"经调解，自愿达成如下协议：",
		"一、被申请人李四赔偿申请人张三丰房屋修复费用人民币捌仟陆佰元整（8600元）。", "履行人：被申请人李四；履行方式：一次性银行转账；履行期限：2026年3月10日前。",
		"二、物业公司负责重做", "履行人：酒泉市富康物业服务有限公司；履行方式：派员施工；履行期限：2026年3月31日前。",
		"三、双方就本纠纷再无其他争议。", "履行方式：按本项约定；履行期限：2026年3月6日前。",
		"本协议一式四份，当事人、人民调解委员会各持一份。",
		"本协议自各方当事人签名（盖章或按指印）、人民调解员签名并加盖人民调解委员会印章之日起生效",
		"可以自本协议生效之日起30日内共同向人民法院申请司法确认", "第三十三条", "申请期限至2026年4月5日。",
		"当事人签名（盖章）：", "申请人张三丰：", "被申请人一李四：", "被申请人二酒泉市富康物业服务有限公司：",
		"调解员签名：", "王调解：", "赵调解：",
		"东北街街道人民调解委员会（印）", "2026年3月6日",
	)
	if !strings.Contains(got, "页码：1/") {
		t.Errorf("the agreement has no page numbers:\n%s", got)
	}
	for _, bad := range []string{"本文书中的个人信息已按查阅权限脱敏", "口头"} {
		if strings.Contains(got, bad) {
			t.Errorf("the agreement says %q:\n%s", bad, got)
		}
	}
}

// TestAgreementMasked: an agreement printed from a masked case and record
// says that it is masked and shows nobody whole.
func TestAgreementMasked(t *testing.T) {
	p := need(t)
	m := mediated()
	for i, x := range m.Case.Parties {
		m.Case.Parties[i] = x.Masked()
	}
	m.Case.PersonalMasked, m.Record.Masked = true, true
	pdf, err := p.Agreement(m)
	if err != nil {
		t.Fatal(err)
	}
	got := text(t, pdf)
	if !strings.Contains(got, "本文书中的个人信息已按查阅权限脱敏") || !strings.Contains(got, "张**") {
		t.Errorf("the masked agreement does not say so:\n%s", got)
	}
	for _, whole := range []string{"张三丰：", "13812345678", "620902198807150021"} {
		if strings.Contains(got, whole) {
			t.Errorf("the masked agreement shows %q whole", whole)
		}
	}
}

// TestAgreementNone: a dispute without an agreement has no agreement to
// print: a conflict, not an empty form.
func TestAgreementNone(t *testing.T) {
	p := need(t)
	m := mediated()
	m.Record.Agreement = nil
	_, err := p.Agreement(m)
	var e *pingan.Error
	if !errors.As(err, &e) || e.Code != pingan.ECONFLICT || e.Msg.Key != "mediation.no_agreement" {
		t.Errorf("an agreement without agreement: %v", err)
	}
	if _, err := p.Agreement(&MediationSheet{Sheet: *fixture()}); err == nil {
		t.Errorf("an agreement without a record prints")
	}
}

// TestAgreementLong: an agreement with long facts and many long terms runs
// over several pages without losing a character; every term keeps its
// number and day; the later pages carry the running head and every page
// its number; the signature block comes last.
func TestAgreementLong(t *testing.T) {
	p := need(t)
	var missing []rune
	p.missing = func(r rune) { missing = append(missing, r) }
	m := mediated()
	a := m.Record.Agreement
	var b strings.Builder
	for i := range 30 {
		fmt.Fprintf(&b, "第%d段：楼上住户卫生间防水层老化（持续渗水），the ceiling of flat 402 leaks, round %d; ", i, i)
	}
	a.Facts = b.String()
	a.Terms = nil
	for i := range 20 {
		a.Terms = append(a.Terms, pingan.Term{No: i + 1, By: "被申请人李四", How: "分期转账",
			Text: strings.Repeat(fmt.Sprintf("第%d期赔偿款按月支付，逾期按日万分之五计付违约金；", i+1), 3),
			Due:  agreedOn.AddDate(0, i+1, 0)})
	}
	pdf, err := p.Agreement(m)
	if err != nil {
		t.Fatal(err)
	}
	kept(t, "agreement-long", pdf)
	raw := text(t, pdf)
	pages := regexp.MustCompile(`页码：(\d+)/(\d+)`).FindAllStringSubmatch(raw, -1)
	if len(pages) < 3 || pages[0][2] != fmt.Sprint(len(pages)) {
		t.Fatalf("the long agreement's pages: %v", pages)
	}
	// The footer and the running head come in the text where a page ends
	// and the next begins.
	got := regexp.MustCompile(`打印人：[^打]*打印时间：[0-9年月日:]+页码：\d+/\d+`).ReplaceAllString(raw, "")
	got = strings.ReplaceAll(got, "人民调解协议书编号：2026-620902-000123", "")
	if want := strings.Join(strings.Fields(a.Facts), ""); !strings.Contains(got, want) {
		t.Errorf("the long agreement loses text of the facts:\n%s", got)
	}
	var order []string
	for _, x := range a.Terms {
		order = append(order, chinese(x.No)+"、"+x.Text, "履行期限："+fmt.Sprintf("%d年%d月%d日前", x.Due.Year(), x.Due.Month(), x.Due.Day()))
	}
	order = append(order, "当事人签名（盖章）：", "调解员签名：", "人民调解委员会（印）", "2026年3月6日")
	inOrder(t, "the long agreement", got, order...)
	if n := strings.Count(raw, "人民调解协议书编号：2026-620902-000123"); n != len(pages) { // the first page's title and number read alike
		t.Errorf("the running head is on %d pages of %d", n, len(pages))
	}
	if len(missing) > 0 {
		t.Errorf("characters without a glyph: %q", string(missing))
	}
}

// TestChinese: numbers in Chinese numerals, as the terms and copies count.
func TestChinese(t *testing.T) {
	for n, want := range map[int]string{1: "一", 4: "四", 10: "十", 11: "十一", 20: "二十", 21: "二十一", 99: "九十九",
		100: "一百", 101: "一百零一", 110: "一百一十", 115: "一百一十五", 999: "九百九十九", 1000: "1000", 0: "0"} {
		if got := chinese(n); got != want {
			t.Errorf("chinese(%d) = %q, want %q", n, got, want)
		}
	}
	if got := yuan(123456789); got != "1,234,567.89" {
		t.Errorf("yuan = %q", got)
	}
	if got := yuan(5); got != "0.05" {
		t.Errorf("yuan = %q", got)
	}
}

// TestAgreementEnglish: a reader who reads English gets the agreement in
// English.
func TestAgreementEnglish(t *testing.T) {
	p := need(t)
	m := mediated()
	m.Lang = pingan.EN
	pdf, err := p.Agreement(m)
	if err != nil {
		t.Fatal(err)
	}
	inOrder(t, "the English agreement", text(t, pdf), "People'smediationagreement", "No.2026-620902-000123", "Respondent1",
		"Mainfactsandmattersindispute:", "1.", "by2026-03-10", "madein4copies", "Parties'signatures(seals):")
}
