package pingan

// petitionIntakeMessages are the words of a petition's registration where
// it is taken besides the staff's report form: the grid worker's phone
// page (信访登记 of a visit) and the centre's accept, which corrects the
// registration of a petition reported without one.
var petitionIntakeMessages = map[string][2]string{
	"petition.facts.accept_only": {"只有受理信访事项时可以更正信访登记", "Only the accept of a petition corrects its registration"},
	"pi.m.petition":              {"信访：来访登记、代表人", "Petition: registration, representatives"},
	"pi.m.petition.hint":         {"选择信访类别时填写：网格员接待的按来访登记，收到日期默认今天。", "For a petition category: a grid worker registers a visit, received today unless changed."},
	"pi.accept.petition":         {"更正信访登记", "Correct the registration"},
	"pi.accept.petition.hint":    {"群众网上投诉或12345转办的信访事项，受理时可更正信访形式、收到日期、邮戳日期和来访人数；15日期限从收到日期重新计算。", "For a petition from the public form or a 12345 transfer: correct the channel, day received, postmark and people when accepting; the 15 days count again from the day received."},
}
