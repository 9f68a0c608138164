package pingan

import (
	"strings"
	"testing"
	"time"
)

// TestDraftText fills each kind of document from one matter and checks
// that its text is addressed to the petitioner, names the matter with the
// day and way it came, rests on its article of 《信访工作条例》 and tells
// the petitioner the right next step: the unit's 15 days after a forward,
// the statutory route after a 告知, the 60 days after acceptance, the new
// last day of an extension, 复查 after an answer, 复核 after a 复查, and
// after a 复核 that it is final and not accepted again.
func TestDraftText(t *testing.T) {
	received := time.Date(2026, 2, 10, 0, 0, 0, 0, CST)
	requested := time.Date(2026, 5, 6, 0, 0, 0, 0, CST)
	due := time.Date(2026, 5, 11, 0, 0, 0, 0, CST)
	c := &Case{Title: "富康小区冬季供暖温度长期不达标", Kind: KindPetition,
		Petition: &Petition{PetitionFacts: PetitionFacts{Channel: PetitionLetter, ReceivedOn: received, People: 1},
			ForwardMode: ForwardAssign, RequestedOn: &requested}}
	f := DraftFacts{Case: c, Petitioner: "张三丰", Unit: "酒泉市肃州区信访局", ToUnit: "肃州区住房和城乡建设局",
		ReviewUnit: "酒泉市住房和城乡建设局", Days: 30, Reason: "需要委托第三方检测室温", Referral: ReferLitigation, Due: &due}
	matter := "你（们）于2026年2月10日来信反映的“富康小区冬季供暖温度长期不达标”信访事项"
	for _, tc := range []struct {
		kind    DocKind
		opinion Opinion
		want    []string
		not     []string
	}{
		{DocForward, "", []string{matter, "第二十一条", "交由该单位", "肃州区住房和城乡建设局", "15日内决定是否受理", "第二十二条"}, []string{"复查"}},
		{DocRoute, "", []string{matter, "第二十一条", "通过诉讼解决", "向有权处理的机关提出"}, []string{"受理。", "复查"}},
		{DocRefuse, "", []string{matter, "第二十二条", "不予受理", "理由：需要委托第三方检测室温", "向有权处理的机关、单位提出"}, []string{"复查"}},
		{DocAccept, "", []string{matter, "第二十二条", "予以受理", "第三十四条", "60日内办结", "书面答复"}, []string{"复查"}},
		{DocExtend, "", []string{matter, "第三十四条", "因需要委托第三方检测室温", "延长30日，至2026年5月11日", "负责人批准"}, []string{"复查"}},
		{DocAnswer, OpinionNotSupport, []string{matter, "第三十二条", "请求、事实和理由", "处理意见及其依据：不予支持", "30日内，向酒泉市住房和城乡建设局请求复查", "第三十五条"}, []string{"复核"}},
		{DocReviewAnswer, OpinionUphold, []string{"“富康小区冬季供暖温度长期不达标”信访事项的处理意见不服，于2026年5月6日请求复查", "第三十五条", "复查意见及其依据：维持原处理意见", "30日内，向酒泉市住房和城乡建设局请求复核", "第三十六条"}, []string{"终结"}},
		{DocRecheckAnswer, OpinionChange, []string{"复查意见不服，于2026年5月6日请求复核", "第三十六条", "复核意见及其依据：变更原处理意见", "本复核意见为终结意见", "同一事实和理由", "不再受理"}, []string{"请求复查（", "30日内"}},
	} {
		f := f
		f.Opinion = tc.opinion
		got := DraftText(tc.kind, f)
		if !strings.HasPrefix(got, "张三丰：\n") {
			t.Errorf("%s: not addressed to the petitioner:\n%s", tc.kind, got)
		}
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s lacks %q:\n%s", tc.kind, w, got)
			}
		}
		for _, w := range tc.not {
			if strings.Contains(got, w) {
				t.Errorf("%s says %q:\n%s", tc.kind, w, got)
			}
		}
	}
	// Without a name, a unit or a route the draft uses words for them;
	// an extension whose days are not chosen yet leaves them blank and
	// names no day.
	got := DraftText(DocRoute, DraftFacts{Case: c})
	for _, w := range []string{"信访人：\n", "诉讼、仲裁、行政复议等法定途径"} {
		if !strings.Contains(got, w) {
			t.Errorf("route without facts lacks %q:\n%s", w, got)
		}
	}
	got = DraftText(DocExtend, DraftFacts{Case: c, Due: &due})
	if !strings.Contains(got, "延长　　日（不超过30日）") || strings.Contains(got, "2026年5月11日") || strings.Contains(got, "延长0日") {
		t.Errorf("an extension without its days:\n%s", got)
	}
}
