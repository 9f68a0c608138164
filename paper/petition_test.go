package paper

import (
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
)

var (
	petReceived  = time.Date(2026, 2, 10, 0, 0, 0, 0, pingan.CST)
	petPostmark  = time.Date(2026, 2, 8, 0, 0, 0, 0, pingan.CST)
	petRequested = time.Date(2026, 5, 6, 0, 0, 0, 0, pingan.CST)
	petIssued    = time.Date(2026, 3, 2, 10, 30, 0, 0, pingan.CST)
	petReportBy  = time.Date(2026, 3, 17, 0, 0, 0, 0, pingan.CST)
)

// petition answers a letter about the heating of a housing estate, received
// by the county's petitions office (信访局) and assigned to its housing
// bureau, as the document of kind issued on 2 March 2026 with the text
// pingan drafts for it.
func petition(kind pingan.DocKind) *PetitionDoc {
	c := &pingan.Case{
		ID: "2026-620902-000456", Number: "2026-620902-000456", Region: "620902", Kind: pingan.KindPetition, Category: "0301",
		Title:       "富康小区冬季供暖温度长期不达标",
		Description: "富康小区3号楼自去年11月供暖以来室温长期低于18摄氏度，多次向供热公司反映未果，请求有关部门督促整改并退还部分供暖费。",
		Address:     "酒泉市肃州区富康路12号", Unit: "620902001001", HoldingUnit: "620902-zz", AssignedUnit: "620902-zj",
		Status: pingan.StatusInProgress, Source: pingan.SourceLetter, ReportedAt: petReceived,
		Reporter: &pingan.Person{Role: "reporter", Name: "张三丰", Phone: "13812345678"},
		Petition: &pingan.Petition{
			PetitionFacts: pingan.PetitionFacts{Channel: pingan.PetitionLetter, ReceivedOn: petReceived, PostmarkedOn: &petPostmark, People: 3},
			Stage:         pingan.StageForwarded, ForwardMode: pingan.ForwardAssign, RequestedOn: &petRequested,
		},
	}
	units := map[string]string{"620902-xf": "酒泉市肃州区信访局", "620902-zj": "酒泉市肃州区住房和城乡建设局", "620902-zz": "肃州区综治中心"}
	unit, opinion := "620902-zj", pingan.Opinion("")
	switch kind {
	case pingan.DocForward, pingan.DocRoute:
		unit = "620902-xf"
	case pingan.DocAnswer:
		opinion = pingan.OpinionExplain
	case pingan.DocReviewAnswer, pingan.DocRecheckAnswer:
		opinion = pingan.OpinionUphold
	}
	due := petIssued.AddDate(0, 0, 30)
	body := pingan.DraftText(kind, pingan.DraftFacts{Case: c, Petitioner: "张三丰", Unit: units[unit], ToUnit: units["620902-zj"],
		ReviewUnit: "酒泉市住房和城乡建设局", Days: 30, Reason: "需要委托第三方机构检测室温", Referral: pingan.ReferLitigation,
		Opinion: opinion, Due: &due, Now: petIssued})
	return &PetitionDoc{
		Sheet: Sheet{Case: c, Units: units, PrintedBy: "肃州区信访局登记员", PrintedAt: petIssued.Add(time.Hour)},
		Doc: pingan.PetitionDocument{ID: 7, CaseID: c.ID, Kind: kind, Number: pingan.DocNumber("肃", kind, 2026, 123),
			Body: body, Unit: unit, IssuedAt: petIssued, IssuedBy: "王办理"},
		Petitioner: "张三丰",
		ReportBy:   &petReportBy,
	}
}

// TestPetitionDocuments prints each kind of petition document and reads
// it back: the issuing unit as the head, the title, the number, the
// addressee, the text as issued, the issuing unit and the Chinese date at
// the end, in this order, and the footer with the matter's number and the
// page. The forwarding slip's form says where the matter went, that it was
// assigned and that the 办结报告 is due; the other documents have no form.
func TestPetitionDocuments(t *testing.T) {
	p := need(t)
	p.missing = func(r rune) { t.Errorf("no glyph for %q", r) }
	for _, kind := range pingan.DocKinds {
		t.Run(string(kind), func(t *testing.T) {
			x := petition(kind)
			pdf, err := p.Petition(x)
			if err != nil {
				t.Fatal(err)
			}
			kept(t, "petition-"+string(kind), pdf)
			got := text(t, pdf)
			issuer := x.Units[x.Doc.Unit]
			_, rest := splitAddressee(x.Doc.Body)
			paras := strings.Split(rest, "\n")
			want := []string{issuer, kind.Title(), x.Doc.Number}
			if kind == pingan.DocForward {
				want = append(want, "信访事项编号", "2026-620902-000456", "信访人", "张三丰（共3人）", "信访形式", "来信",
					"收到日期", "2026年2月10日（邮戳日期：2026年2月8日）", "反映事项", "富康小区冬季供暖温度长期不达标", "请求有关部门督促整改",
					"转送/交办单位", "酒泉市肃州区住房和城乡建设局（交办）", "第二十二条", "请于2026年3月17日前办结，并向本机关报送办结报告")
			}
			want = append(want, "张三丰：", paras[0], paras[len(paras)-1], issuer, "2026年3月2日", "信访事项编号：2026-620902-000456", "页码：1/1")
			inOrder(t, string(kind), got, want...)
			if form := strings.Contains(got, "办理要求"); form != (kind == pingan.DocForward) {
				t.Errorf("%s has the forwarding slip's form: %v\n%s", kind, form, got)
			}
			if strings.Contains(got, "打印人") {
				t.Errorf("%s names who printed it:\n%s", kind, got)
			}
		})
	}
}

// TestPetitionLong prints an answer whose text runs over a page: the text
// goes on onto the second page under a running head, nothing of it lost,
// the closing follows it, and each page is numbered of two.
func TestPetitionLong(t *testing.T) {
	p := need(t)
	x := petition(pingan.DocAnswer)
	var b strings.Builder
	b.WriteString("张三丰：\n")
	for i := 1; i <= 24; i++ {
		b.WriteString("经调查核实，第" + chinese(i) + "次入户检测时，3号楼住户室内温度为16.5摄氏度，低于《酒泉市城市供热管理办法》规定的18摄氏度标准，供热公司对此负有责任。\n")
	}
	b.WriteString("以上为本机关的处理意见。")
	x.Doc.Body = b.String()
	pdf, err := p.Petition(x)
	if err != nil {
		t.Fatal(err)
	}
	kept(t, "petition-long", pdf)
	got := text(t, pdf)
	inOrder(t, "the long answer", got, "酒泉市肃州区住房和城乡建设局", "信访事项处理意见书", "肃信处〔2026〕123号", "张三丰：",
		"第一次入户检测", "页码：1/2", "信访事项处理意见书肃信处〔2026〕123号", "第二十四次入户检测", "以上为本机关的处理意见。",
		"酒泉市肃州区住房和城乡建设局", "2026年3月2日", "页码：2/2")
	for i := 1; i <= 24; i++ {
		if !strings.Contains(got, "第"+chinese(i)+"次入户检测时") {
			t.Errorf("the long answer lost its paragraph %d", i)
		}
	}
}

// TestPetitionAddressee: a text that does not begin with an addressee is
// addressed to the petitioner as given (masked for a reader who sees it
// so), and a document without text or case is an error.
func TestPetitionAddressee(t *testing.T) {
	p := need(t)
	x := petition(pingan.DocAccept)
	x.Doc.Body = "经审查，该事项属于本机关职权范围，决定予以受理。"
	x.Petitioner = "张*丰"
	pdf, err := p.Petition(x)
	if err != nil {
		t.Fatal(err)
	}
	inOrder(t, "the notice", text(t, pdf), "信访事项受理告知书", "张*丰：", "经审查，该事项属于本机关职权范围")
	x.Doc.Body = " \n"
	if _, err := p.Petition(x); pingan.ErrorCode(err) != pingan.EINTERNAL {
		t.Errorf("a document without text: %v", err)
	}
	if _, err := p.Petition(&PetitionDoc{Doc: x.Doc}); pingan.ErrorCode(err) != pingan.EINTERNAL {
		t.Errorf("a document without a case: %v", err)
	}
}

// TestSplitAddressee reads the addressee a text begins with, and only a
// short line ending in a colon.
func TestSplitAddressee(t *testing.T) {
	for _, tc := range []struct{ body, to, rest string }{
		{"张三丰：\n你反映的事项。", "张三丰：", "你反映的事项。"},
		{"  肃州区住建局:\r\n请办理。\n特此告知。", "肃州区住建局:", "请办理。\n特此告知。"},
		{"经审查，决定如下：\n一、受理。", "", "经审查，决定如下：\n一、受理。"},
		{"经审查，该事项属于本机关职权范围，根据《信访工作条例》第二十二条的规定，决定予以受理，理由如下：\n一、", "",
			"经审查，该事项属于本机关职权范围，根据《信访工作条例》第二十二条的规定，决定予以受理，理由如下：\n一、"},
		{"只有一行。", "", "只有一行。"},
	} {
		to, rest := splitAddressee(tc.body)
		if to != tc.to || rest != tc.rest {
			t.Errorf("splitAddressee(%q) = %q, %q; want %q, %q", tc.body, to, rest, tc.to, tc.rest)
		}
	}
}
