package pingan

import (
	"fmt"
	"strings"
	"time"
)

// DraftFacts are what a document's draft text is filled from: the matter,
// the unit issuing it, the petitioner's name as the reader may see it, and
// the step's particulars.
type DraftFacts struct {
	Case *Case
	// Petitioner is the name the document is addressed to (信访人), "" when
	// unknown (the draft then says 信访人).
	Petitioner string
	// Unit is the issuing unit's name; ToUnit the unit a forward goes to;
	// ReviewUnit the unit a 复查 or 复核 may be asked of.
	Unit, ToUnit, ReviewUnit string
	// Days of an extension, with its Reason; Referral the route of a 告知.
	Days     int
	Reason   string
	Referral Referral
	Opinion  Opinion
	// Due is the day the step's period ends (an extension's new deadline).
	Due *time.Time
	Now time.Time
}

// DraftText answers the text pingan fills a document of kind with, for the
// user to edit before issue, in the order such documents are written: the
// addressee; what was received, when and how; what was decided and on
// which article of 《信访工作条例》 (art. 21 转送、交办 and 告知, art. 22
// 受理 or not, art. 32 the answer's parts — the request, its facts and
// reasons, the opinion and its grounds — art. 34 the 60 days and their
// extension, art. 35 复查, art. 36 复核); and what the petitioner may do
// next, or that nothing more may be asked. The headings of an answer are
// left for the user to fill in.
func DraftText(kind DocKind, f DraftFacts) string {
	who := f.Petitioner
	if who == "" {
		who = "信访人"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s：\n", who)
	about := f.about()
	switch kind {
	case DocForward:
		fmt.Fprintf(&b, "%s，本机关已收悉。经审查，该事项属于%s的职责范围。根据《信访工作条例》第二十一条的规定，现将该事项%s该单位依法处理。", about, f.toUnit(), f.modeVerb())
		b.WriteString("\n该单位将自收到之日起15日内决定是否受理，并书面告知你（们）（《信访工作条例》第二十二条）。请你（们）就该事项与该单位联系。")
	case DocRoute:
		fmt.Fprintf(&b, "%s，本机关已收悉。经审查，该事项属于依法应当通过%s解决的事项，不属于信访程序办理的范围。", about, f.route())
		b.WriteString("\n根据《信访工作条例》第二十一条的规定，请你（们）依照有关法律、法规规定的程序，向有权处理的机关提出。特此告知。")
	case DocRefuse:
		fmt.Fprintf(&b, "%s，本机关已收悉。经审查，该事项不符合受理条件，根据《信访工作条例》第二十二条的规定，决定不予受理。\n理由：%s", about, f.Reason)
		b.WriteString("\n你（们）可以依照有关法律、法规规定的程序，向有权处理的机关、单位提出。特此告知。")
	case DocAccept:
		fmt.Fprintf(&b, "%s，本机关已收悉。经审查，该事项属于本机关职权范围，根据《信访工作条例》第二十二条的规定，决定予以受理。", about)
		b.WriteString("\n依照《信访工作条例》第三十四条的规定，本机关将自受理之日起60日内办结，并出具处理意见书，书面答复你（们）。特此告知。")
	case DocExtend:
		fmt.Fprintf(&b, "%s，本机关已依法受理。因%s，经本机关负责人批准，根据《信访工作条例》第三十四条的规定，办理期限%s。", about, f.reason("情况复杂，需要进一步调查核实"), f.extension())
		b.WriteString("\n办理结果将以处理意见书书面答复你（们）。特此告知。")
	case DocAnswer:
		fmt.Fprintf(&b, "%s，本机关已依法受理并进行了调查核实。根据《信访工作条例》第三十二条的规定，现出具处理意见如下：", about)
		fmt.Fprintf(&b, "\n一、信访人的请求、事实和理由：\n二、调查核实的情况：\n三、处理意见及其依据：%s。", f.Opinion.Label())
		fmt.Fprintf(&b, "\n如对本处理意见不服，可以自收到本意见书之日起30日内，向%s请求复查（《信访工作条例》第三十五条）。", f.reviewUnit())
	case DocReviewAnswer:
		fmt.Fprintf(&b, "你（们）对“%s”信访事项的处理意见不服，%s请求复查。本机关依照《信访工作条例》第三十五条的规定进行了复查，现提出复查意见如下：", f.title(), f.requested())
		fmt.Fprintf(&b, "\n一、复查请求及理由：\n二、复查认定的事实：\n三、复查意见及其依据：%s。", f.Opinion.Label())
		fmt.Fprintf(&b, "\n如对本复查意见不服，可以自收到本意见书之日起30日内，向%s请求复核（《信访工作条例》第三十六条）。", f.reviewUnit())
	case DocRecheckAnswer:
		fmt.Fprintf(&b, "你（们）对“%s”信访事项的复查意见不服，%s请求复核。本机关依照《信访工作条例》第三十六条的规定进行了复核，现提出复核意见如下：", f.title(), f.requested())
		fmt.Fprintf(&b, "\n一、复核请求及理由：\n二、复核认定的事实：\n三、复核意见及其依据：%s。", f.Opinion.Label())
		b.WriteString("\n本复核意见为终结意见。根据《信访工作条例》第三十六条的规定，你（们）对复核意见不服，仍以同一事实和理由提出投诉请求的，各级党委和政府信访部门和其他机关、单位不再受理。")
	}
	return b.String()
}

// about answers the matter as a document names it: when and how it came
// and its title (你（们）于2026年3月2日来信反映的“……”信访事项).
func (f DraftFacts) about() string {
	how := "反映"
	received := ""
	if c := f.Case; c != nil && c.Petition != nil {
		switch c.Petition.Channel {
		case PetitionLetter:
			how = "来信反映"
		case PetitionVisit:
			how = "来访反映"
		case PetitionPhone:
			how = "来电反映"
		case PetitionOnline:
			how = "通过网上信访反映"
		case PetitionHotline:
			how = "通过12345热线反映"
		}
		if !c.Petition.ReceivedOn.IsZero() {
			received = "于" + chineseDate(c.Petition.ReceivedOn)
		}
	}
	return fmt.Sprintf("你（们）%s%s的“%s”信访事项", received, how, f.title())
}

// title answers the matter's title, "" without a case.
func (f DraftFacts) title() string {
	if f.Case == nil {
		return ""
	}
	return f.Case.Title
}

// requested answers when a 复查 or 复核 was asked (于2026年5月6日), or "".
func (f DraftFacts) requested() string {
	if f.Case != nil && f.Case.Petition != nil && f.Case.Petition.RequestedOn != nil {
		return "于" + chineseDate(*f.Case.Petition.RequestedOn)
	}
	return ""
}

// modeVerb answers how a forward sends the matter on: 交办 when assigned
// (the unit reports the result back), else 转送.
func (f DraftFacts) modeVerb() string {
	if f.Case != nil && f.Case.Petition != nil && f.Case.Petition.ForwardMode == ForwardAssign {
		return "交由"
	}
	return "转送"
}

// toUnit answers the unit a forward goes to, or words for it.
func (f DraftFacts) toUnit() string {
	if f.ToUnit != "" {
		return f.ToUnit
	}
	return "有权处理的机关、单位"
}

// route answers the statutory route of a 告知 in words.
func (f DraftFacts) route() string {
	switch f.Referral {
	case ReferArbitration:
		return "仲裁"
	case ReferAdministrative:
		return "行政复议、行政裁决等行政程序"
	case ReferLitigation:
		return "诉讼"
	}
	return "诉讼、仲裁、行政复议等法定途径"
}

// reason answers the reason given, or def.
func (f DraftFacts) reason(def string) string {
	if r := strings.TrimSpace(f.Reason); r != "" {
		return r
	}
	return def
}

// extension answers how long an extension is (延长30日，至2026年5月11日):
// without its days yet (a draft written before they are chosen) a blank
// for them, and no day, which would be the deadline before it.
func (f DraftFacts) extension() string {
	if f.Days <= 0 {
		return "延长　　日（不超过30日）"
	}
	s := fmt.Sprintf("延长%d日", f.Days)
	if f.Due != nil {
		s += "，至" + chineseDate(*f.Due)
	}
	return s
}

func (f DraftFacts) reviewUnit() string {
	if f.ReviewUnit != "" {
		return f.ReviewUnit
	}
	return "上一级机关、单位"
}

// chineseDate writes a day as 2026年3月2日 (China Standard Time).
func chineseDate(t time.Time) string {
	y, m, d := t.In(CST).Date()
	return fmt.Sprintf("%d年%d月%d日", y, int(m), d)
}
