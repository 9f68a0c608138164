package loadgen

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// client speaks pingan's JSON API (/api/v1).
type client struct {
	base string
	http *http.Client
}

// session is a signed-in account.
type session struct {
	username, token, unit string
}

// statusError is an answer other than 2xx.
type statusError struct {
	status  int
	message string
}

func (e *statusError) Error() string {
	if e.message == "" {
		return fmt.Sprintf("HTTP %d", e.status)
	}
	return fmt.Sprintf("HTTP %d: %s", e.status, e.message)
}

// call sends a request and decodes a 2xx answer into out (when not nil).
// It answers the status (0 when there was no answer) and, unless 2xx, an
// error carrying the server's message.
func (c *client) call(ctx context.Context, s *session, method, path, key string, body, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+"/api/v1/"+path, rd)
	if err != nil {
		return 0, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if s != nil {
		req.Header.Set("Authorization", "Bearer "+s.token)
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	// Read the answer whole, so that the connection is kept for the next.
	data, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return res.StatusCode, err
	}
	if res.StatusCode < 200 || res.StatusCode > 299 {
		var e struct {
			Error struct {
				Message string `json:"message"`
			} `json:"error"`
		}
		json.Unmarshal(data, &e)
		return res.StatusCode, &statusError{status: res.StatusCode, message: e.Error.Message}
	}
	if out != nil {
		if raw, ok := out.(*[]byte); ok {
			*raw = data
		} else if err := json.Unmarshal(data, out); err != nil {
			return res.StatusCode, fmt.Errorf("%s %s: %w", method, path, err)
		}
	}
	return res.StatusCode, nil
}

// signIn answers a session of the account, or an error naming it.
func (c *client) signIn(ctx context.Context, a Account) (*session, error) {
	var out struct {
		Token string `json:"token"`
		User  struct {
			Unit string `json:"unit"`
		} `json:"user"`
	}
	_, err := c.call(ctx, nil, "POST", "session", "", map[string]string{"username": a.Username, "password": a.Password}, &out)
	if err != nil {
		return nil, fmt.Errorf("用户 %s 登录失败 (sign-in of user %q failed) at %s: %w", a.Username, a.Username, c.base, err)
	}
	return &session{username: a.Username, token: out.Token, unit: out.User.Unit}, nil
}

// categories answers the categories the server knows.
func (c *client) categories(ctx context.Context, s *session) ([]category, error) {
	var out struct {
		Categories []category `json:"categories"`
	}
	if _, err := c.call(ctx, s, "GET", "categories", "", nil, &out); err != nil {
		return nil, fmt.Errorf("读取案件类别失败 (reading the categories failed): %w", err)
	}
	return out.Categories, nil
}

// grids answers the GeoJSON FeatureCollection of the grids under unit.
func (c *client) grids(ctx context.Context, s *session, unit string) ([]byte, error) {
	var out []byte
	if _, err := c.call(ctx, s, "GET", "grids?unit="+url.QueryEscape(unit), "", nil, &out); err != nil {
		return nil, fmt.Errorf("读取单位 %s 的网格失败 (reading the grids of unit %s failed): %w", unit, unit, err)
	}
	return out, nil
}

// report files a case and answers its id.
func (c *client) report(ctx context.Context, s *session, key string, r report) (string, int, error) {
	var out struct {
		ID string `json:"id"`
	}
	status, err := c.call(ctx, s, "POST", "cases", key, r, &out)
	return out.ID, status, err
}

// act moves a case.
func (c *client) act(ctx context.Context, s *session, id string, body map[string]any) (int, error) {
	return c.call(ctx, s, "POST", "cases/"+url.PathEscape(id)+"/actions", "", body, nil)
}
