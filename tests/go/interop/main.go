// remit-go-interop: a Go client of a Remit validator, built only from the
// repository's protos and grpc-go (Debian's golang-google-grpc-dev), as a
// user writing a client in another language would. tests/go/go_interop_test.cc
// runs it against a real remitd and gives it two transfers the C++ SDK signed:
// `transfer` (the sender's next sequence) and `reused` (another transfer with
// the same sequence). It checks, and prints one line per check:
//   - Watch's start signal: the stream's header arrives once it is subscribed,
//     and the settled transfer is then streamed;
//   - Settle: the transfer settles;
//   - replay: Settle and Submit of the same bytes answer ALREADY_EXISTS, and
//     grpc-go itself decodes the standard details: an ErrorInfo
//     (ALREADY_FINAL, domain "remit", the transfer's id) and the original
//     receipt as a SettleResponse;
//   - refusals: `reused` gets FAILED_PRECONDITION with ErrorInfo
//     SEQUENCE_USED and the next sequence; a transfer for another chain gets
//     INVALID_ARGUMENT, WRONG_CHAIN; an unknown receipt NOT_FOUND, NOT_FOUND;
//   - the gRPC health service answers SERVING, and server reflection lists
//     remit.v1.Ledger and serves its file descriptor.
//
// Exit status 0 only if every check passed.
package main

import (
	"context"
	"encoding/hex"
	"flag"
	"fmt"
	"io/ioutil"
	"os"
	"strings"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/health/grpc_health_v1"
	rpb "google.golang.org/grpc/reflection/grpc_reflection_v1alpha"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/descriptorpb"

	"remitgo/remitv1"
)

const callTimeout = 30 * time.Second

type checker struct {
	failed bool
}

func (c *checker) check(name string, err error) {
	if err != nil {
		c.failed = true
		fmt.Printf("go-interop: FAIL %s: %v\n", name, err)
		return
	}
	fmt.Printf("go-interop: ok %s\n", name)
}

func readTransfer(path string) (*remitv1.SignedTransfer, error) {
	bytes, err := ioutil.ReadFile(path)
	if err != nil {
		return nil, err
	}
	transfer := &remitv1.SignedTransfer{}
	if err := proto.Unmarshal(bytes, transfer); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return transfer, nil
}

// refusal is what grpc-go decoded from an error: its code and the details.
type refusal struct {
	code     codes.Code
	message  string
	info     *errdetails.ErrorInfo
	original *remitv1.SettleResponse
}

func decode(err error) (refusal, error) {
	st, ok := status.FromError(err)
	if !ok || err == nil {
		return refusal{}, fmt.Errorf("not a gRPC error: %v", err)
	}
	out := refusal{code: st.Code(), message: st.Message()}
	for _, detail := range st.Details() {
		switch typed := detail.(type) {
		case *errdetails.ErrorInfo:
			out.info = typed
		case *remitv1.SettleResponse:
			out.original = typed
		case error:
			return out, fmt.Errorf("a detail does not decode: %v", typed)
		}
	}
	return out, nil
}

// expectRefusal checks code, reason and domain, and returns the refusal.
func expectRefusal(err error, code codes.Code, reason string) (refusal, error) {
	r, decodeErr := decode(err)
	if decodeErr != nil {
		return r, decodeErr
	}
	if r.code != code {
		return r, fmt.Errorf("code %v (%q), want %v", r.code, r.message, code)
	}
	if r.info == nil {
		return r, fmt.Errorf("no ErrorInfo in the details of %v %q", r.code, r.message)
	}
	if r.info.Reason != reason || r.info.Domain != "remit" {
		return r, fmt.Errorf("ErrorInfo %q/%q, want %q/remit", r.info.Reason, r.info.Domain, reason)
	}
	return r, nil
}

// sameReceipt compares everything but settle_latency_us, which only the
// answer to the settling call carries.
func sameReceipt(got, want *remitv1.Receipt) error {
	g := proto.Clone(got).(*remitv1.Receipt)
	w := proto.Clone(want).(*remitv1.Receipt)
	g.SettleLatencyUs, w.SettleLatencyUs = 0, 0
	if !proto.Equal(g, w) {
		return fmt.Errorf("receipt %v, want %v", g, w)
	}
	return nil
}

func checkReplay(c *checker, client remitv1.LedgerClient, transfer *remitv1.SignedTransfer,
	receipt *remitv1.Receipt) {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	id := hex.EncodeToString(receipt.TransferId)
	_, err := client.Settle(ctx, &remitv1.SettleRequest{Transfer: transfer})
	c.check("replayed Settle answers ALREADY_EXISTS with the original receipt", func() error {
		r, err := expectRefusal(err, codes.AlreadyExists, "ALREADY_FINAL")
		if err != nil {
			return err
		}
		if r.info.Metadata["transferId"] != id {
			return fmt.Errorf("ErrorInfo names transfer %q, want %q", r.info.Metadata["transferId"], id)
		}
		if r.original == nil {
			return fmt.Errorf("no SettleResponse in the details")
		}
		return sameReceipt(r.original.Receipt, receipt)
	}())
	_, err = client.Submit(ctx, &remitv1.SubmitRequest{Transfer: transfer})
	c.check("replayed Submit answers ALREADY_EXISTS with the original receipt", func() error {
		r, err := expectRefusal(err, codes.AlreadyExists, "ALREADY_FINAL")
		if err != nil {
			return err
		}
		if r.original == nil {
			return fmt.Errorf("no SettleResponse in the details")
		}
		return sameReceipt(r.original.Receipt, receipt)
	}())
}

func checkRefusals(c *checker, client remitv1.LedgerClient, transfer, reused *remitv1.SignedTransfer) {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	_, err := client.Settle(ctx, &remitv1.SettleRequest{Transfer: reused})
	c.check("a used sequence is FAILED_PRECONDITION, SEQUENCE_USED", func() error {
		r, err := expectRefusal(err, codes.FailedPrecondition, "SEQUENCE_USED")
		if err != nil {
			return err
		}
		want := fmt.Sprint(reused.GetTransfer().Sequence + 1)
		if r.info.Metadata["nextSequence"] != want {
			return fmt.Errorf("nextSequence %q, want %q", r.info.Metadata["nextSequence"], want)
		}
		return nil
	}())
	other := proto.Clone(transfer).(*remitv1.SignedTransfer)
	other.GetTransfer().ChainId = "another-chain"
	_, err = client.Settle(ctx, &remitv1.SettleRequest{Transfer: other})
	c.check("another chain's transfer is INVALID_ARGUMENT, WRONG_CHAIN", func() error {
		_, err := expectRefusal(err, codes.InvalidArgument, "WRONG_CHAIN")
		return err
	}())
	_, err = client.GetReceipt(ctx, &remitv1.GetReceiptRequest{TransferId: make([]byte, 32)})
	c.check("an unknown receipt is NOT_FOUND, NOT_FOUND", func() error {
		_, err := expectRefusal(err, codes.NotFound, "NOT_FOUND")
		return err
	}())
}

func checkHealth(c *checker, conn *grpc.ClientConn) {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	health := grpc_health_v1.NewHealthClient(conn)
	for _, service := range []string{"", "remit.v1.Ledger"} {
		response, err := health.Check(ctx, &grpc_health_v1.HealthCheckRequest{Service: service})
		c.check(fmt.Sprintf("health of %q is SERVING", service), func() error {
			if err != nil {
				return err
			}
			if response.Status != grpc_health_v1.HealthCheckResponse_SERVING {
				return fmt.Errorf("status %v", response.Status)
			}
			return nil
		}())
	}
}

func reflect(stream rpb.ServerReflection_ServerReflectionInfoClient,
	request *rpb.ServerReflectionRequest) (*rpb.ServerReflectionResponse, error) {
	if err := stream.Send(request); err != nil {
		return nil, err
	}
	return stream.Recv()
}

func checkReflection(c *checker, conn *grpc.ClientConn) {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	stream, err := rpb.NewServerReflectionClient(conn).ServerReflectionInfo(ctx)
	if err != nil {
		c.check("reflection stream opens", err)
		return
	}
	listed, err := reflect(stream, &rpb.ServerReflectionRequest{
		MessageRequest: &rpb.ServerReflectionRequest_ListServices{ListServices: "*"}})
	c.check("reflection lists remit.v1.Ledger and the health service", func() error {
		if err != nil {
			return err
		}
		names := map[string]bool{}
		for _, service := range listed.GetListServicesResponse().GetService() {
			names[service.Name] = true
		}
		for _, want := range []string{"remit.v1.Ledger", "grpc.health.v1.Health"} {
			if !names[want] {
				return fmt.Errorf("services %v lack %s", names, want)
			}
		}
		return nil
	}())
	described, err := reflect(stream, &rpb.ServerReflectionRequest{
		MessageRequest: &rpb.ServerReflectionRequest_FileContainingSymbol{
			FileContainingSymbol: "remit.v1.Ledger"}})
	c.check("reflection serves the descriptor of remit.v1.Ledger.Settle", func() error {
		if err != nil {
			return err
		}
		for _, bytes := range described.GetFileDescriptorResponse().GetFileDescriptorProto() {
			file := &descriptorpb.FileDescriptorProto{}
			if err := proto.Unmarshal(bytes, file); err != nil {
				return err
			}
			for _, service := range file.Service {
				for _, method := range service.Method {
					if file.GetPackage() == "remit.v1" && service.GetName() == "Ledger" &&
						method.GetName() == "Settle" {
						return nil
					}
				}
			}
		}
		return fmt.Errorf("no remit.v1.Ledger.Settle in the descriptors served")
	}())
	stream.CloseSend()
}

// settleWatched opens a Watch stream, waits for its start signal (the
// header), settles `transfer` and reads its event from the stream.
func settleWatched(c *checker, client remitv1.LedgerClient,
	transfer *remitv1.SignedTransfer) *remitv1.Receipt {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	watch, err := client.Watch(ctx, &remitv1.WatchRequest{Account: transfer.GetTransfer().To})
	if err == nil {
		_, err = watch.Header()
	}
	c.check("Watch sends its start signal", err)
	response, err := client.Settle(ctx, &remitv1.SettleRequest{Transfer: transfer})
	c.check("Settle settles the transfer", func() error {
		if err != nil {
			return err
		}
		if response.Receipt.Outcome != remitv1.Outcome_SETTLED {
			return fmt.Errorf("outcome %v", response.Receipt.Outcome)
		}
		return nil
	}())
	if err != nil {
		return nil
	}
	c.check("Watch streams the transfer settled after its start signal", func() error {
		if watch == nil {
			return fmt.Errorf("no stream")
		}
		event, err := watch.Recv()
		if err != nil {
			return err
		}
		return sameReceipt(event.Record.Receipt, response.Receipt)
	}())
	return response.Receipt
}

func main() {
	endpoint := flag.String("endpoint", "", "the validator, host:port")
	transferPath := flag.String("transfer", "", "a SignedTransfer (binary protobuf) to settle")
	reusedPath := flag.String("reused", "", "another SignedTransfer with the same sequence")
	flag.Parse()
	if *endpoint == "" || *transferPath == "" || *reusedPath == "" {
		fmt.Fprintln(os.Stderr, "usage: remit-go-interop --endpoint HOST:PORT --transfer FILE --reused FILE")
		os.Exit(2)
	}
	transfer, err := readTransfer(*transferPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-interop:", err)
		os.Exit(2)
	}
	reused, err := readTransfer(*reusedPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-interop:", err)
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	conn, err := grpc.DialContext(ctx, *endpoint, grpc.WithInsecure(), grpc.WithBlock())
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-interop: cannot connect to", *endpoint+":", err)
		os.Exit(1)
	}
	defer conn.Close()
	client := remitv1.NewLedgerClient(conn)
	c := &checker{}
	if receipt := settleWatched(c, client, transfer); receipt != nil {
		checkReplay(c, client, transfer, receipt)
	}
	checkRefusals(c, client, transfer, reused)
	checkHealth(c, conn)
	checkReflection(c, conn)
	if c.failed {
		fmt.Println("go-interop: " + strings.Repeat("-", 8) + " some checks failed")
		os.Exit(1)
	}
	fmt.Println("go-interop: every check passed")
}
