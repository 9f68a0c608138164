package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan"
)

// A petition from the public form has its registration inferred (网上信访,
// received the day reported); the centre's 受理 form shows it, and the
// dispatcher corrects it when accepting: the channel, the day received and
// the people are kept and the deadline counts again. A day received in the
// future is refused beside its field, and nothing changes.
func TestPetitionAcceptCorrects(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	report := func(title string) *pingan.Case {
		t.Helper()
		c, err := e.db.Cases.CreateCase(ctx, nil, &pingan.NewCase{Kind: pingan.KindPetition, Category: "XF01", Title: title,
			Description: "小区围墙施工噪音扰民", Unit: e.fx.Village.Code})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	d := e.login(e.fx.TownshipDispatcher)
	now := e.clock.Now().In(pingan.CST)
	accept := func(c *pingan.Case, received string) response {
		t.Helper()
		page := d.get("/cases/" + c.ID).body
		if !strings.Contains(page, `id="accept-petition"`) {
			t.Fatalf("the 受理 form has no registration")
		}
		was := "online|" + pingan.Day(c.Petition.ReceivedOn) + "||1"
		if !strings.Contains(page, `name="petition.was" value="`+was+`"`) {
			t.Fatalf("the 受理 form does not carry the registration %q", was)
		}
		return d.post("/cases/"+c.ID+"/act", url.Values{"action": {"accept"}, "petition.was": {was}, "petition.channel": {"visit"},
			"petition.received_on": {received}, "petition.postmarked_on": {""}, "petition.people": {"3"}})
	}

	c := report("反映小区围墙施工噪音扰民问题")
	if res := accept(c, now.AddDate(0, 0, -3).Format("2006-01-02")); res.status != http.StatusSeeOther {
		t.Fatalf("accept: %d %s", res.status, res.body)
	}
	got, err := e.db.Cases.FindCase(ctx, e.fx.TownshipDispatcher, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if p := got.Petition; got.Status != pingan.StatusAccepted || p.Channel != pingan.PetitionVisit || p.People != 3 ||
		pingan.Day(p.ReceivedOn) != now.AddDate(0, 0, -3).Format("2006-01-02") || !got.ResolveBy.Before(*c.ResolveBy) {
		t.Fatalf("accepted: %s %+v resolve by %v (was %v)", got.Status, p.PetitionFacts, got.ResolveBy, c.ResolveBy)
	}

	c = report("反映农贸市场占道经营问题")
	res := accept(c, now.AddDate(0, 0, 2).Format("2006-01-02"))
	if res.status != http.StatusBadRequest || !strings.Contains(res.body, pingan.Text(pingan.ZH, "petition.received.future")) {
		t.Fatalf("a day received in the future: %d", res.status)
	}
	if got, _ := e.db.Cases.FindCase(ctx, e.fx.TownshipDispatcher, c.ID); got.Status != pingan.StatusReported || got.Petition.Channel != pingan.PetitionOnline {
		t.Fatalf("after the refusal: %s %+v", got.Status, got.Petition.PetitionFacts)
	}
}
